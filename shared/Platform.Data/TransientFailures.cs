using System.Net.Sockets;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// The one answer to "is this failure an outage rather than a fault of the work itself?": the database or the broker
/// could not be reached, or dropped the connection, and the same work will succeed once they are back. Used by the HTTP
/// layer (503 with <c>Retry-After</c> instead of 500) and by consumers (wait and retry instead of parking the message).
/// </summary>
public static class TransientFailures
{
    /// <summary>Whether <paramref name="exception"/>, or an exception it wraps, is an outage of the database or the broker.</summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient))
            {
                return true;
            }

            if (IsTransientItself(e))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTransientItself(Exception e) => e switch
    {
        PostgresException pg => IsConnectionClass(pg.SqlState),
        // Npgsql flags I/O errors, timeouts and broken connections as transient; errors the server reported for the
        // statement itself are PostgresException above, judged by their SQLSTATE.
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException or TimeoutException => true,
        // MassTransit's transport connection failures (RabbitMqConnectionException derives from it): broker unreachable.
        MassTransit.ConnectionException => true,
        _ => IsRabbitMqConnectionFailure(e),
    };

    /// <summary>
    /// SQLSTATEs of a lost or refused connection: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown,
    /// cannot connect now: the server is stopping or starting), 53300 (too many connections). Serialization failures
    /// and deadlocks (40001, 40P01) are not here: they are retried by the code that runs the transaction, not an outage.
    /// </summary>
    public static bool IsConnectionClass(string? sqlState) =>
        sqlState is not null && (sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300");

    // RabbitMQ.Client is not a dependency of this assembly; its connection failures are recognised by name.
    private static bool IsRabbitMqConnectionFailure(Exception e) =>
        e.GetType().FullName is "RabbitMQ.Client.Exceptions.BrokerUnreachableException"
            or "RabbitMQ.Client.Exceptions.AlreadyClosedException"
            or "RabbitMQ.Client.Exceptions.ConnectFailureException";
}

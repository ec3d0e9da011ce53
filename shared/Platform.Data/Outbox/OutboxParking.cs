using Dapper;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// Lists and replays the outbox rows the relay parked (<see cref="OutboxOptions.MaxAttempts"/> refusals by the broker,
/// or a type that no longer resolves). Replaying clears the parking and the attempt count, so the relay publishes the
/// row again in its next round (e.g. after the cause was fixed).
/// </summary>
public sealed class OutboxParking(NpgsqlDataSource dataSource, OutboxSignal signal)
{
    private const string ListSql = """
        SELECT sequence, message_id AS MessageId, message_type AS MessageType, created_at AS CreatedAt, parked_at AS ParkedAt,
               attempts, last_error AS LastError
        FROM outbox_messages
        WHERE parked_at IS NOT NULL
        ORDER BY sequence
        LIMIT @Limit
        """;

    private const string ReplaySql = """
        UPDATE outbox_messages SET parked_at = NULL, attempts = 0, next_attempt_at = NULL
        WHERE parked_at IS NOT NULL AND (@MessageId::uuid IS NULL OR message_id = @MessageId)
        """;

    /// <summary>Up to <paramref name="limit"/> parked rows, oldest first.</summary>
    public async Task<IReadOnlyList<ParkedOutboxMessage>> ListAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ParkedOutboxMessage>(new CommandDefinition(ListSql, new { Limit = limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Returns every parked row (or only <paramref name="messageId"/>) to the relay; returns how many.</summary>
    public async Task<int> ReplayAsync(Guid? messageId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var count = await connection.ExecuteAsync(new CommandDefinition(ReplaySql, new { MessageId = messageId }, cancellationToken: ct));
        if (count > 0)
        {
            signal.Notify();
        }

        return count;
    }
}

using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// Writes events into the outbox table inside the caller's transaction, so they are published if and only if the
/// state change commits. The current trace context travels with each row. The local relay is signalled at once;
/// relays of other replicas find the rows by polling.
/// </summary>
public sealed class Outbox(TimeProvider time, OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO outbox_messages (message_id, message_type, body, trace_parent, trace_state, created_at)
        SELECT * FROM unnest(@Ids, @Types, @Bodies::json[], @TraceParents, @TraceStates, @CreatedAts)
        """;

    /// <summary>Adds one event; returns its message id (consumers see it as MassTransit's MessageId).</summary>
    public async Task<Guid> AddAsync<T>(NpgsqlTransaction transaction, T message, CancellationToken ct)
        where T : class
    {
        var ids = await AddRangeAsync(transaction, [message], ct);
        return ids[0];
    }

    /// <summary>Adds several events in one round trip; returns their message ids in order.</summary>
    public async Task<Guid[]> AddRangeAsync<T>(NpgsqlTransaction transaction, IReadOnlyList<T> messages, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }

        var activity = Activity.Current;
        var now = time.GetUtcNow();
        var ids = new Guid[messages.Count];
        var types = new string[messages.Count];
        var bodies = new string[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var type = messages[i].GetType();
            ids[i] = Guid.CreateVersion7(now);
            types[i] = OutboxMessageTypes.NameOf(type);
            bodies[i] = JsonSerializer.Serialize(messages[i], type, Json);
        }

        var parameters = new
        {
            Ids = ids,
            Types = types,
            Bodies = bodies,
            TraceParents = Enumerable.Repeat(activity?.Id, messages.Count).ToArray(),
            TraceStates = Enumerable.Repeat(activity?.TraceStateString, messages.Count).ToArray(),
            CreatedAts = Enumerable.Repeat(now, messages.Count).ToArray(),
        };
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, parameters, transaction, cancellationToken: ct));
        signal.Notify();
        return ids;
    }
}

/// <summary>How message types are named in the outbox: "Namespace.Type, Assembly", resolvable after a restart.</summary>
internal static class OutboxMessageTypes
{
    public static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string name) => Type.GetType(name, throwOnError: false);
}

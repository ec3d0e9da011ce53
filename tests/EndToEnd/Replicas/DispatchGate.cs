using Campaigns.Features.Dispatch;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace EndToEnd.Replicas;

/// <summary>
/// Holds Campaigns' dispatch lock (<see cref="StepJobHandler.DispatchLock"/>) in a session of the test's own, so a
/// step job that starts waits at its first chunk, running, until the gate opens: a test can then find the instance
/// running it and kill it however quick the step would otherwise be.
/// </summary>
public sealed class DispatchGate : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private DispatchGate(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Takes the lock (waiting for a chunk that holds it to commit).</summary>
    public static async Task<DispatchGate> CloseAsync(TestDatabase campaigns)
    {
        var connection = await campaigns.OpenAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@Lock)", new { Lock = StepJobHandler.DispatchLock });
        return new DispatchGate(connection);
    }

    /// <summary>Releases the lock: the waiting step job goes on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.ExecuteAsync("SELECT pg_advisory_unlock(@Lock)", new { Lock = StepJobHandler.DispatchLock });
        await _connection.DisposeAsync();
    }
}

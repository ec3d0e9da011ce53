using Dapper;
using Npgsql;
using Platform.Testing;

namespace EndToEnd.Replicas;

/// <summary>
/// Holds one of a service's transaction-level advisory locks (e.g. Campaigns' dispatch lock, Segmentation's scoring
/// lock) in a session of the test's own, so a job that starts waits for it, running, until the gate opens: a test can
/// then find the instance running the job and kill it however quick the job would otherwise be.
/// </summary>
public sealed class AdvisoryLockGate : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private AdvisoryLockGate(NpgsqlConnection connection, long key) => (_connection, _key) = (connection, key);

    /// <summary>Takes the lock <paramref name="key"/> in <paramref name="database"/> (waiting for a holder to commit).</summary>
    public static async Task<AdvisoryLockGate> CloseAsync(TestDatabase database, long key)
    {
        var connection = await database.OpenAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key });
        return new AdvisoryLockGate(connection, key);
    }

    /// <summary>Releases the lock: the waiting job goes on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = _key });
        await _connection.DisposeAsync();
    }
}

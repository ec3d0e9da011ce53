using Dapper;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// Orders erasures against writes that create per-customer data, in every service that keeps such data. Without it,
/// a write and an erasure of the same customer running at once could each miss the other's uncommitted row (the write
/// sees no tombstone yet, the erasure no data yet) and the data would survive. Writers hold the lock shared (they run
/// side by side), an erasure holds it exclusively; erasures are rare and short. Take it first in the transaction, then
/// check the service's tombstones in a later statement: it sees every erasure committed before. Advisory locks are per
/// database, so services sharing a server do not wait for each other.
/// </summary>
public static class ErasureLock
{
    /// <summary>The advisory lock's key (public so that a test can hold it to stop writers at a known point).</summary>
    /// <remarks>Arbitrary, shared by all replicas; not the migration runner's key.</remarks>
    public const long LockKey = 7_290_412_101;

    /// <summary>For writers of per-customer rows; take it before checking the tombstones.</summary>
    public static Task LockSharedAsync(NpgsqlTransaction tx, CancellationToken ct) =>
        LockAsync(tx, "SELECT pg_advisory_xact_lock_shared(@LockKey)", ct);

    /// <summary>For the erasure itself.</summary>
    public static Task LockExclusiveAsync(NpgsqlTransaction tx, CancellationToken ct) =>
        LockAsync(tx, "SELECT pg_advisory_xact_lock(@LockKey)", ct);

    private static async Task LockAsync(NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await tx.Connection!.ExecuteAsync(new CommandDefinition(sql, new { LockKey }, tx, cancellationToken: ct));
    }
}

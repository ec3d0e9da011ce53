using Dapper;
using Npgsql;

namespace Campaigns.Features.Customers;

/// <summary>
/// Orders erasures against writes of per-customer data (as Segmentation's lock of the same name): writers hold it
/// shared and then check <c>erased_customers</c> in a later statement, an erasure holds it exclusively. Without it an
/// upsert and an erasure running at once could each miss the other's uncommitted row.
/// </summary>
public static class ErasedCustomers
{
    // Arbitrary, shared by all replicas of Campaigns; not the migration runner's key.
    private const long LockKey = 7_290_412_303;

    /// <summary>For consumers that write per-customer rows; take it before checking the tombstones.</summary>
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

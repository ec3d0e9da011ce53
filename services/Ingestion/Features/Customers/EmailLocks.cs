using Dapper;
using Npgsql;

namespace Ingestion.Features.Customers;

/// <summary>
/// Serializes writers that link records to persons by email: two sources posting the same email at once must see each
/// other's record, or each would become its own person. Transaction-scoped advisory locks, released at commit.
/// </summary>
internal static class EmailLocks
{
    // Two-key advisory locks: this class id keeps ours apart from other users of advisory locks.
    private const int LockClass = 0x1C05;

    // Emails are hashed into a fixed number of buckets rather than locked one by one: PostgreSQL's lock table is
    // shared by the whole server (max_locks_per_transaction x connections), and a 10,000-customer batch must not
    // exhaust it. A collision only makes two unrelated writers wait for each other.
    private const int Buckets = 256;

    // Buckets are taken in ascending order so that two batches never deadlock on each other.
    private const string LockSql = """
        SELECT pg_advisory_xact_lock(@LockClass, bucket)
        FROM (SELECT DISTINCT hashtext(email) & (@Buckets - 1) AS bucket FROM unnest(@Emails::text[]) AS email ORDER BY 1) AS b
        """;

    public static async Task LockAsync(NpgsqlTransaction tx, IEnumerable<string?> emails, CancellationToken ct)
    {
        var distinct = emails.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return;
        }

        await tx.Connection!.ExecuteAsync(new CommandDefinition(LockSql, new { LockClass, Buckets, Emails = distinct }, tx, cancellationToken: ct));
    }
}

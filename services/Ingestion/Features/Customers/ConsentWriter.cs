using Dapper;
using Npgsql;

namespace Ingestion.Features.Customers;

/// <summary>
/// Writes marketing consents. A consent replaces the stored one for its channel only when it says something different
/// and is newer: an old consent arriving late (a replayed file, a slow channel) never undoes a newer decision, and a
/// replay of the same decision changes nothing, not even its time.
/// </summary>
public sealed class ConsentWriter(TimeProvider time)
{
    /// <summary>Origin of consents pushed with the customer (the other kind is <c>response:&lt;response id&gt;</c>).</summary>
    public const string CustomerOrigin = "customer";

    private const string UpsertSql = """
        INSERT INTO consents AS k (customer_id, channel, granted, changed_at, origin)
        SELECT * FROM unnest(@CustomerIds, @Channels, @Granted, @ChangedAts, @Origins)
        ORDER BY 1, 2
        ON CONFLICT (customer_id, channel) DO UPDATE SET
            granted = excluded.granted, changed_at = excluded.changed_at, origin = excluded.origin
        WHERE excluded.granted <> k.granted AND excluded.changed_at > k.changed_at
        RETURNING customer_id
        """;

    // Customer rows first, then their consents, in key order: the order every customer writer takes them in
    // (CustomerWriter's upsert locks the customer rows, even unchanged ones, before it writes consents), so an
    // opt-out and a customer update of the same customer never deadlock.
    private const string LockCustomersSql = "SELECT customer_id FROM customers WHERE customer_id = ANY(@CustomerIds) ORDER BY customer_id FOR NO KEY UPDATE";

    // Only for customers that exist (a response may name one that was erased meanwhile); rows in key order so two
    // writers lock them in the same order.
    private const string WithdrawSql = """
        INSERT INTO consents AS k (customer_id, channel, granted, changed_at, origin)
        SELECT w.customer_id, w.channel, false, w.at, w.origin
        FROM unnest(@CustomerIds, @Channels, @Ats, @Origins) AS w(customer_id, channel, at, origin)
        WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = w.customer_id)
        ORDER BY w.customer_id, w.channel
        ON CONFLICT (customer_id, channel) DO UPDATE SET
            granted = false, changed_at = excluded.changed_at, origin = excluded.origin
        WHERE k.granted AND excluded.changed_at > k.changed_at
        RETURNING customer_id
        """;

    // A consent change is a new version of the customer: downstream services keep the highest version, so without
    // this bump they would drop the event that carries the change. The version is taken once the row is locked.
    private const string TouchSql = "UPDATE customers SET updated_at = greatest(updated_at, @Now), version = nextval('customer_versions') WHERE customer_id = ANY(@CustomerIds)";

    /// <summary>
    /// Records withdrawals of consent, e.g. from opted-out responses (origin <c>response:&lt;id&gt;</c>), set-based; at
    /// most one per customer and channel (one of <see cref="ConsentChannels.All"/>). A row changes only when consent
    /// was granted (or never given) and the withdrawal is newer than what is stored; those customers get a new
    /// version. Returns the customers whose consent changed: the caller publishes their new version
    /// (<see cref="CustomerWriter.PublishAsync"/>) in the same transaction. Unknown customers change nothing.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> WithdrawAsync(NpgsqlTransaction tx, IReadOnlyList<ConsentWithdrawal> withdrawals, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(withdrawals);
        if (withdrawals.FirstOrDefault(w => !ConsentChannels.IsChannel(w.Channel)) is { } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(withdrawals), bad.Channel, "Consent channels are email, sms, mail and phone.");
        }

        if (withdrawals.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var customerIds = withdrawals.Select(w => w.CustomerId).Distinct().ToArray();
        await tx.Connection!.ExecuteAsync(new CommandDefinition(LockCustomersSql, new { CustomerIds = customerIds }, tx, cancellationToken: ct));
        var changed = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(WithdrawSql, new
        {
            CustomerIds = withdrawals.Select(w => w.CustomerId).ToArray(),
            Channels = withdrawals.Select(w => w.Channel).ToArray(),
            Ats = withdrawals.Select(w => w.At.ToUniversalTime()).ToArray(),
            Origins = withdrawals.Select(w => w.Origin).ToArray(),
        }, tx, cancellationToken: ct))).ToHashSet();
        await TouchAsync(tx, changed, ct);
        return changed;
    }

    /// <summary>Applies customers' own consents (set-based); returns the ids of customers whose consents changed.</summary>
    internal static async Task<IReadOnlySet<Guid>> ApplyAsync(NpgsqlTransaction tx, IReadOnlyCollection<NormalizedCustomer> customers, CancellationToken ct)
    {
        var rows = customers.SelectMany(c => c.Consents.Select(k => (c.CustomerId, Consent: k))).ToList();
        if (rows.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var changed = await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(UpsertSql, new
        {
            CustomerIds = rows.Select(r => r.CustomerId).ToArray(),
            Channels = rows.Select(r => r.Consent.Channel).ToArray(),
            Granted = rows.Select(r => r.Consent.Granted).ToArray(),
            ChangedAts = rows.Select(r => r.Consent.At.ToUniversalTime()).ToArray(),
            Origins = rows.Select(_ => CustomerOrigin).ToArray(),
        }, tx, cancellationToken: ct));
        return changed.ToHashSet();
    }

    /// <summary>Gives the customers a new version (and <c>updated_at</c> now, unless it is later already).</summary>
    internal async Task TouchAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> customerIds, CancellationToken ct)
    {
        if (customerIds.Count > 0)
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(
                TouchSql, new { CustomerIds = customerIds.ToArray(), Now = time.GetUtcNow() }, tx, cancellationToken: ct));
        }
    }
}

/// <summary>A customer withdrew consent for a channel at a time; <see cref="Origin"/> says what said so.</summary>
public sealed record ConsentWithdrawal(Guid CustomerId, string Channel, DateTimeOffset At, string Origin);

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

    // Only for a customer that exists (a response may name one that was erased meanwhile).
    private const string WithdrawSql = """
        INSERT INTO consents AS k (customer_id, channel, granted, changed_at, origin)
        SELECT @CustomerId, @Channel, false, @At, @Origin
        WHERE EXISTS (SELECT 1 FROM customers WHERE customer_id = @CustomerId)
        ON CONFLICT (customer_id, channel) DO UPDATE SET
            granted = false, changed_at = excluded.changed_at, origin = excluded.origin
        WHERE k.granted AND excluded.changed_at > k.changed_at
        RETURNING customer_id
        """;

    // A consent change is a new version of the customer: downstream services keep the version with the newest
    // updated_at, so without this bump they would drop the event that carries the change.
    private const string TouchSql = "UPDATE customers SET updated_at = @Now WHERE customer_id = ANY(@CustomerIds) AND updated_at < @Now";

    /// <summary>
    /// Records that the customer withdrew consent for <paramref name="channel"/> (one of <see cref="ConsentChannels.All"/>)
    /// at <paramref name="at"/>, e.g. from an opted-out response (<paramref name="origin"/> <c>response:&lt;id&gt;</c>).
    /// Changes the row only when consent was granted (or never given) and <paramref name="at"/> is newer than what is
    /// stored; then also bumps the customer's <c>updated_at</c>. Returns whether anything changed: if so, the caller
    /// publishes the customer's new version (<see cref="CustomerWriter.PublishAsync"/>) in the same transaction.
    /// Returns false for an unknown customer.
    /// </summary>
    public async Task<bool> WithdrawAsync(NpgsqlTransaction tx, Guid customerId, string channel, DateTimeOffset at, string origin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (!ConsentChannels.IsChannel(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Consent channels are email, sms, mail and phone.");
        }

        var changed = await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(
            WithdrawSql, new { CustomerId = customerId, Channel = channel, At = at, Origin = origin }, tx, cancellationToken: ct));
        if (!changed.Any())
        {
            return false;
        }

        await TouchAsync(tx, [customerId], ct);
        return true;
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

    /// <summary>Gives the customers a new version time (now).</summary>
    internal async Task TouchAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> customerIds, CancellationToken ct)
    {
        if (customerIds.Count > 0)
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(
                TouchSql, new { CustomerIds = customerIds.ToArray(), Now = time.GetUtcNow() }, tx, cancellationToken: ct));
        }
    }
}

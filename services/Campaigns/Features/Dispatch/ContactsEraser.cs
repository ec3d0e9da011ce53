using Dapper;
using Npgsql;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Erasure of a customer from dispatch's tables, called by the CustomerErased consumer in its transaction: contacts keep
/// their rows (costs and counts stay true) under a random customer id; deferrals are deleted; webhook batches lose the
/// customer's entry (sent or not: a parked batch could be replayed).
/// </summary>
public static class ContactsEraser
{
    private const string ContactsSql = """
        UPDATE contacts SET customer_id = @Anonymous, erased = true WHERE customer_id = @CustomerId
        """;

    private const string DeferralsSql = "DELETE FROM contact_deferrals WHERE customer_id = @CustomerId";

    private const string DeliveriesSql = """
        UPDATE deliveries d
        SET payload = jsonb_set(d.payload, '{contacts}', (
                SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb)
                FROM jsonb_array_elements(d.payload->'contacts') WITH ORDINALITY AS x (e, n)
                WHERE e->>'customerId' <> @CustomerId::text))
        WHERE d.payload @> jsonb_build_object('contacts', jsonb_build_array(jsonb_build_object('customerId', @CustomerId::text)))
        """;

    /// <summary>Removes <paramref name="customerId"/> from contacts, deferrals and webhook payloads in <paramref name="transaction"/>.</summary>
    public static async Task EraseCustomerAsync(NpgsqlTransaction transaction, Guid customerId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection!;
        // One random id for all of the customer's contacts: counts of distinct customers stay true, nobody can link it back.
        var parameters = new { CustomerId = customerId, Anonymous = Guid.NewGuid() };
        await connection.ExecuteAsync(new CommandDefinition(ContactsSql, parameters, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeferralsSql, parameters, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeliveriesSql, parameters, transaction, cancellationToken: ct));
    }
}

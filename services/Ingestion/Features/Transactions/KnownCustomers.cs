using Dapper;
using Ingestion.Features.Customers;
using Npgsql;

namespace Ingestion.Features.Transactions;

/// <summary>
/// The "unknown customer" rule of transactions and responses: a record naming a customer that does not exist is
/// refused, unless the caller opted in to creating minimal customers (<c>createCustomers=true</c>), which is possible
/// only for customers named by external id (an id alone says nothing about who the customer is).
/// </summary>
public sealed class KnownCustomers(CustomerWriter customers)
{
    private const string MissingSql = """
        SELECT id FROM unnest(@Ids) AS id
        WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = id)
        """;

    /// <summary>
    /// Returns the ids among <paramref name="references"/> that name no customer, after creating the missing ones
    /// named by external id when <paramref name="createMissing"/> is set (those publish <c>CustomersUpserted</c>).
    /// </summary>
    public async Task<HashSet<Guid>> FindUnknownAsync(NpgsqlTransaction tx, IEnumerable<CustomerRef> references, bool createMissing, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var byId = new Dictionary<Guid, CustomerRef>();
        foreach (var reference in references)
        {
            // Prefer a reference that carries the external id: only that one can create the customer.
            if (!byId.TryGetValue(reference.CustomerId, out var known) || (known.ExternalId is null && reference.ExternalId is not null))
            {
                byId[reference.CustomerId] = reference;
            }
        }

        if (byId.Count == 0)
        {
            return [];
        }

        var missing = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(MissingSql, new { Ids = byId.Keys.ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        if (createMissing && missing.Count > 0)
        {
            var keys = missing.Select(id => byId[id]).Where(r => r.ExternalId is not null).Select(r => new CustomerKey(r.Source!, r.ExternalId!)).ToList();
            await customers.CreateMissingAsync(tx, keys, ct);
            missing.ExceptWith(keys.Select(k => k.CustomerId));
        }

        return missing;
    }
}

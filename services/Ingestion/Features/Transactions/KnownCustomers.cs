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
    /// Ids in <paramref name="known"/> are taken as existing without asking; ids found to exist are added to it (an
    /// import passes one set for all its chunks, so each customer is looked up once per import, not once per chunk).
    /// </summary>
    public async Task<HashSet<Guid>> FindUnknownAsync(NpgsqlTransaction tx, IEnumerable<CustomerRef> references, bool createMissing, ISet<Guid>? known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var byId = new Dictionary<Guid, CustomerRef>();
        foreach (var reference in references)
        {
            if (known is not null && known.Contains(reference.CustomerId))
            {
                continue;
            }

            // Prefer a reference that carries the external id: only that one can create the customer.
            if (!byId.TryGetValue(reference.CustomerId, out var seen) || (seen.ExternalId is null && reference.ExternalId is not null))
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

        // Only after this transaction commits are the created ones sure to exist; a failed chunk's caller drops the set.
        known?.UnionWith(byId.Keys.Where(id => !missing.Contains(id)));
        return missing;
    }
}

using Dapper;
using Ingestion.Features.Customers;
using Npgsql;
using Platform.Data;

namespace Ingestion.Features.Transactions;

/// <summary>
/// The "unknown customer" rule of transactions and responses: a record naming a customer that does not exist is
/// refused, unless the caller opted in to creating minimal customers (<c>createCustomers=true</c>), which is possible
/// only for customers named by external id (an id alone says nothing about who the customer is). The check holds
/// <see cref="ErasureLock"/> shared until the caller's transaction ends: transactions and responses have no foreign key
/// on customers, and this lock is what keeps an erasure (which deletes them under the exclusive lock) from running
/// between the check and the commit of rows naming the customer.
/// </summary>
public sealed class KnownCustomers(CustomerWriter customers)
{
    private const string MissingSql = """
        SELECT id FROM unnest(@Ids) AS id
        WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = id)
        """;

    // How many erasures have begun (under the exclusive lock; one that rolled back counts too, which only costs a look-up).
    private const string ErasuresSql = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM customer_erasures";

    /// <summary>
    /// Returns the ids among <paramref name="references"/> that name no customer, after creating the missing ones
    /// named by external id when <paramref name="createMissing"/> is set (those publish <c>CustomersUpserted</c>).
    /// Ids in <paramref name="known"/> are taken as existing without asking unless an erasure committed since they were
    /// seen; ids found to exist are added to it (an import passes one set for all its chunks, so each customer is
    /// looked up once per import, not once per chunk). Takes <see cref="ErasureLock"/> shared first.
    /// </summary>
    public async Task<HashSet<Guid>> FindUnknownAsync(NpgsqlTransaction tx, IEnumerable<CustomerRef> references, bool createMissing, KnownCustomerSet? known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await ErasureLock.LockSharedAsync(tx, ct);
        if (known is not null)
        {
            // Under the shared lock no erasure is under way: every one counted here has committed (or rolled back).
            var erasures = await tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(ErasuresSql, transaction: tx, cancellationToken: ct));
            if (known.Erasures != erasures)
            {
                known.Clear();
                known.Erasures = erasures;
            }
        }

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

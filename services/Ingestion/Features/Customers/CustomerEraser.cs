using Dapper;
using Npgsql;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Ingestion.Features.Customers;

/// <summary>
/// Forgets a customer: the row and, by ON DELETE CASCADE, its consents; its transactions and responses (they have no
/// foreign key: see migration 0008); its copies in this service's outbox; and tells every other service with
/// <see cref="CustomerErased"/>. All in one transaction, holding <see cref="ErasureLock"/> exclusively, so no writer is
/// between its check of the customer and its commit (writers hold the lock shared, see KnownCustomers).
/// </summary>
public sealed class CustomerEraser(NpgsqlDataSource db, CustomerWriter customers, Outbox outbox, TimeProvider time)
{
    // The emails of the customer and of every record linked to it: locked so that no record is linked to this
    // person while it is being re-rooted (see EmailLocks).
    private const string EmailsSql = "SELECT email FROM customers WHERE (customer_id = @CustomerId OR person_id = @CustomerId) AND email IS NOT NULL";

    // Counted first (KnownCustomerSet: writers forget the customers they remember), then the rows that name the
    // customer (an erased order's key too: the same order sent again later is new); the customer row last.
    private const string DeleteFactsSql = """
        SELECT nextval('customer_erasures');
        WITH gone AS (DELETE FROM transactions WHERE customer_id = @CustomerId RETURNING source, order_id)
        DELETE FROM transaction_keys k USING gone g WHERE k.source = g.source AND k.order_id = g.order_id;
        DELETE FROM responses WHERE customer_id = @CustomerId;
        """;

    // The erased row's version goes with CustomerErased: consumers drop any version up to it, and a later registration
    // of the same customer id gets a higher one from the same sequence.
    private const string DeleteSql = "DELETE FROM customers WHERE customer_id = @CustomerId RETURNING version";

    // Records linked to the erased one as their person move to the earliest remaining record, so no person id
    // keeps pointing at (and revealing) the erased customer.
    private const string ReRootSql = """
        UPDATE customers AS c SET person_id = heir.customer_id, updated_at = @Now, version = nextval('customer_versions')
        FROM (SELECT customer_id FROM customers WHERE person_id = @CustomerId ORDER BY created_at, customer_id LIMIT 1) AS heir
        WHERE c.person_id = @CustomerId
        RETURNING c.customer_id
        """;

    // Sent rows are kept only for inspection: drop those naming the customer. Pending rows still have to reach
    // other customers, so only the erased customer's items are cut out of their batches (top-level arrays whose
    // items carry a customerId: customers, transactions, responses).
    private const string ScrubOutboxSql = """
        UPDATE outbox_messages AS o SET body = (
            SELECT jsonb_object_agg(key, CASE WHEN jsonb_typeof(value) = 'array' THEN (
                       SELECT coalesce(jsonb_agg(item ORDER BY n), '[]'::jsonb)
                       FROM jsonb_array_elements(value) WITH ORDINALITY AS a(item, n)
                       WHERE item->>'customerId' IS DISTINCT FROM @Id)
                   ELSE value END)
            FROM jsonb_each(o.body::jsonb))
        WHERE o.sent_at IS NULL AND o.body::text LIKE @Pattern;
        DELETE FROM outbox_messages WHERE sent_at IS NOT NULL AND body::text LIKE @Pattern;
        """;

    /// <summary>Erases the customer; false when there is no such customer (never was, or already erased).</summary>
    public async Task<bool> EraseAsync(Guid customerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ErasureLock.LockExclusiveAsync(tx, ct);
        var emails = await connection.QueryAsync<string>(new CommandDefinition(EmailsSql, new { CustomerId = customerId }, tx, cancellationToken: ct));
        await EmailLocks.LockAsync(tx, emails, ct);
        await connection.ExecuteAsync(new CommandDefinition(DeleteFactsSql, new { CustomerId = customerId }, tx, cancellationToken: ct));
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(DeleteSql, new { CustomerId = customerId }, tx, cancellationToken: ct));
        if (version is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var reRooted = (await connection.QueryAsync<Guid>(new CommandDefinition(ReRootSql, new { CustomerId = customerId, Now = now }, tx, cancellationToken: ct))).AsList();
        var id = customerId.ToString();
        await connection.ExecuteAsync(new CommandDefinition(ScrubOutboxSql, new { Id = id, Pattern = $"%{id}%" }, tx, cancellationToken: ct));
        await customers.PublishAsync(tx, reRooted, ct);
        await outbox.AddAsync(tx, new CustomerErased { CustomerId = customerId, ErasedAt = now, Version = version.Value }, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}

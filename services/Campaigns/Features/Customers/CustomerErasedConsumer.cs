using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Campaigns.Features.Customers;

/// <summary>
/// Forgets an erased customer here: contact details, snapshot rows and responses go; assignments stay as anonymous
/// rows (the customer id replaced by a fresh random one) so that cell counts stay true; a tombstone
/// (<c>erased_customers</c>) keeps late contact details from bringing the customer back. The
/// <see cref="ICustomerErasureStep"/>s (dispatch's contacts, webhook payloads) run in the same transaction.
/// </summary>
public sealed class CustomerErasedConsumer(Inbox inbox, ErrorQueues errorQueues, IEnumerable<ICustomerErasureStep> steps) : IConsumer<CustomerErased>
{
    // Keeps the latest erasure if the customer was erased, registered again and erased again.
    private const string TombstoneSql = """
        INSERT INTO erased_customers AS e (customer_id, erased_version, erased_at) VALUES (@CustomerId, @Version, @ErasedAt)
        ON CONFLICT (customer_id) DO UPDATE SET
            erased_at = greatest(e.erased_at, excluded.erased_at), erased_version = greatest(e.erased_version, excluded.erased_version)
        """;

    // Contact details newer than the erased record belong to a customer who registered again after it: they stay.
    private const string DeleteSql = """
        DELETE FROM customers WHERE customer_id = @CustomerId AND version <= @Version;
        DELETE FROM snapshot_members WHERE customer_id = @CustomerId;
        DELETE FROM responses WHERE customer_id = @CustomerId;
        UPDATE assignments SET customer_id = gen_random_uuid() WHERE customer_id = @CustomerId;
        """;

    public async Task Consume(ConsumeContext<CustomerErased> context)
    {
        // Copies parked in this service's error queues first: if that fails the message is retried, whereas after the
        // inbox commit a redelivery would be skipped. Repeating it changes nothing.
        await errorQueues.EraseCustomerAsync(context.Message.CustomerId, context.CancellationToken);
        await inbox.ProcessOnceAsync(context, nameof(CustomerErasedConsumer), async (tx, ct) =>
        {
            await ErasureLock.LockExclusiveAsync(tx, ct);
            var erased = new { context.Message.CustomerId, context.Message.Version, ErasedAt = context.Message.ErasedAt.ToUniversalTime() };
            await tx.Connection!.ExecuteAsync(new CommandDefinition(TombstoneSql, erased, tx, cancellationToken: ct));
            await tx.Connection!.ExecuteAsync(new CommandDefinition(DeleteSql, erased, tx, cancellationToken: ct));
            foreach (var step in steps)
            {
                await step.EraseAsync(tx, context.Message, ct);
            }
        });
    }
}

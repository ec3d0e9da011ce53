using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Measurement.Features.Attribution;

/// <summary>
/// Forgets an erased customer here: their purchases, responses, contacts and scores are deleted and a tombstone
/// (<c>erased_customers</c>) keeps later facts about them from being stored. Their campaign memberships and targeted row
/// stay as anonymous rows (customer id replaced by one random id, <c>anonymized</c>, never re-derived), so each
/// campaign's outcome and statistics do not change when someone leaves: they are aggregates that identify no one.
/// </summary>
public sealed class CustomerErasedConsumer(Inbox inbox, ErrorQueues errorQueues) : IConsumer<CustomerErased>
{
    private const string Sql = """
        INSERT INTO erased_customers AS e (customer_id, erased_at) VALUES (@CustomerId, @ErasedAt)
        ON CONFLICT (customer_id) DO UPDATE SET erased_at = greatest(e.erased_at, excluded.erased_at);
        DELETE FROM purchases WHERE customer_id = @CustomerId;
        DELETE FROM responses WHERE customer_id = @CustomerId;
        DELETE FROM contacts WHERE customer_id = @CustomerId;
        DELETE FROM customer_scores WHERE customer_id = @CustomerId;
        UPDATE members SET customer_id = @Pseudonym, anonymized = true WHERE customer_id = @CustomerId;
        UPDATE targeted_customers SET customer_id = @Pseudonym, anonymized = true WHERE customer_id = @CustomerId;
        """;

    public async Task Consume(ConsumeContext<CustomerErased> context)
    {
        // Copies parked in this service's error queues first: if that fails the message is retried, whereas after the
        // inbox commit a redelivery would be skipped. Repeating it changes nothing.
        await errorQueues.EraseCustomerAsync(context.Message.CustomerId, context.CancellationToken);
        await inbox.ProcessOnceAsync(context, nameof(CustomerErasedConsumer), async (tx, ct) =>
        {
            await ErasureLock.LockExclusiveAsync(tx, ct);
            await MemberAttribution.LockAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new
            {
                context.Message.CustomerId,
                ErasedAt = context.Message.ErasedAt.ToUniversalTime(),
                // One random id for all rows of this erasure: a member whose campaign arrives later joins the same
                // anonymous targeted row instead of counting as a second person in the global control comparison.
                Pseudonym = Guid.NewGuid(),
            }, tx, cancellationToken: ct));
        });
    }
}

using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Segmentation.Features.Profiles;

/// <summary>
/// Forgets an erased customer: deletes the profile and leaves a tombstone (<c>erased_customers</c>) so that a
/// <see cref="CustomersUpserted"/> from before the erasure, arriving late or redelivered, cannot bring it back.
/// </summary>
public sealed class CustomerErasedConsumer(Inbox inbox, ErrorQueues errorQueues) : IConsumer<CustomerErased>
{
    // Keeps the latest erasure if the customer was erased, registered again and erased again.
    private const string TombstoneSql = """
        INSERT INTO erased_customers AS e (customer_id, erased_at, erased_version) VALUES (@CustomerId, @ErasedAt, @Version)
        ON CONFLICT (customer_id) DO UPDATE SET
            erased_at = greatest(e.erased_at, excluded.erased_at), erased_version = greatest(e.erased_version, excluded.erased_version)
        """;

    // A profile with a higher version than the erased record belongs to a customer who registered again after it: it stays. Snapshot rows go
    // too: erasure is the one change a frozen snapshot allows (its trigger checks the tombstone written before).
    private const string DeleteSql = """
        DELETE FROM customer_profiles WHERE customer_id = @CustomerId AND (customer_version, customer_updated_at) <= (@Version, @ErasedAt);
        DELETE FROM customer_purchases WHERE customer_id = @CustomerId;
        DELETE FROM customer_daily_purchases WHERE customer_id = @CustomerId;
        DELETE FROM customer_channel_purchases WHERE customer_id = @CustomerId;
        DELETE FROM customer_scores WHERE customer_id = @CustomerId;
        DELETE FROM segment_snapshot_members WHERE customer_id = @CustomerId;
        """;

    public async Task Consume(ConsumeContext<CustomerErased> context)
    {
        // Copies parked in this service's error queues first: if that fails the message is retried, whereas after the
        // inbox commit a redelivery would be skipped. Repeating it changes nothing.
        await errorQueues.EraseCustomerAsync(context.Message.CustomerId, context.CancellationToken);
        await inbox.ProcessOnceAsync(context, nameof(CustomerErasedConsumer), async (tx, ct) =>
        {
            await ErasureLock.LockExclusiveAsync(tx, ct);
            var erased = new { context.Message.CustomerId, context.Message.ErasedAt, context.Message.Version };
            await tx.Connection!.ExecuteAsync(new CommandDefinition(TombstoneSql, erased, tx, cancellationToken: ct));
            await tx.Connection!.ExecuteAsync(new CommandDefinition(DeleteSql, erased, tx, cancellationToken: ct));
        });
    }
}

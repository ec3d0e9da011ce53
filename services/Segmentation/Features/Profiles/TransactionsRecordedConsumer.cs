using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Segmentation.Features.Profiles;

/// <summary>
/// Keeps each customer's purchase aggregates (counts, sums, first and last purchase) from new transactions. Counts and
/// sums add and min/max take the extreme, so the order of events does not matter; the inbox makes a redelivered batch
/// change nothing.
/// </summary>
public sealed class TransactionsRecordedConsumer(Inbox inbox, TimeProvider time) : IConsumer<TransactionsRecorded>
{
    // The batch is aggregated per customer in SQL, then added in customer id order so two batches touching the same
    // customers lock their rows in the same order (no deadlock). LEAST/GREATEST ignore NULLs (returns only).
    private const string AddSql = """
        INSERT INTO customer_purchases AS p (customer_id, orders_count, returns_count, gross_revenue, net_revenue, discount_total,
            cost_total, first_purchase_at, last_purchase_at, updated_at)
        SELECT customer_id,
               count(*) FILTER (WHERE NOT is_return),
               count(*) FILTER (WHERE is_return),
               sum(gross),
               sum(gross - discount),
               sum(discount),
               coalesce(sum(cost), 0),
               min(occurred_at) FILTER (WHERE NOT is_return),
               max(occurred_at) FILTER (WHERE NOT is_return),
               @Now
        FROM unnest(@CustomerIds, @IsReturns, @Gross, @Discounts, @Costs, @OccurredAts) AS t(customer_id, is_return, gross, discount, cost, occurred_at)
        -- An erased customer's late transactions are not kept, unless the customer registered again after the erasure.
        WHERE NOT EXISTS (
            SELECT 1 FROM erased_customers e
            WHERE e.customer_id = t.customer_id
              AND NOT EXISTS (SELECT 1 FROM customer_profiles p2 WHERE p2.customer_id = e.customer_id AND p2.customer_updated_at > e.erased_at))
        GROUP BY customer_id
        ORDER BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            orders_count = p.orders_count + excluded.orders_count,
            returns_count = p.returns_count + excluded.returns_count,
            gross_revenue = p.gross_revenue + excluded.gross_revenue,
            net_revenue = p.net_revenue + excluded.net_revenue,
            discount_total = p.discount_total + excluded.discount_total,
            cost_total = p.cost_total + excluded.cost_total,
            first_purchase_at = LEAST(p.first_purchase_at, excluded.first_purchase_at),
            last_purchase_at = GREATEST(p.last_purchase_at, excluded.last_purchase_at),
            updated_at = excluded.updated_at
        """;

    public Task Consume(ConsumeContext<TransactionsRecorded> context) =>
        inbox.ProcessOnceAsync(context, nameof(TransactionsRecordedConsumer), async (tx, ct) =>
        {
            var t = context.Message.Transactions;
            if (t.Count == 0)
            {
                return;
            }

            await ErasedCustomers.LockSharedAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(AddSql, new
            {
                CustomerIds = t.Select(x => x.CustomerId).ToArray(),
                IsReturns = t.Select(x => x.IsReturn).ToArray(),
                Gross = t.Select(x => x.GrossAmount).ToArray(),
                Discounts = t.Select(x => x.DiscountAmount).ToArray(),
                Costs = t.Select(x => x.CostAmount).ToArray(),
                OccurredAts = t.Select(x => x.OccurredAt.ToUniversalTime()).ToArray(),
                Now = time.GetUtcNow(),
            }, tx, cancellationToken: ct));
        });
}

/// <summary>
/// One batch at a time per replica: batches of an import touch the same customers, so concurrent ones would mostly
/// wait on each other's row locks (and, unsorted, deadlock); one at a time is as fast and uses fewer connections.
/// </summary>
public sealed class TransactionsRecordedConsumerDefinition : ConsumerDefinition<TransactionsRecordedConsumer>
{
    public TransactionsRecordedConsumerDefinition() => ConcurrentMessageLimit = 1;
}

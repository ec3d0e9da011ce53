using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Segmentation.Features.Profiles;

/// <summary>
/// Keeps each customer's purchase aggregates (counts, sums, first and last purchase) from new transactions. Counts and
/// sums add and min/max take the extreme, so the order of events does not matter; the inbox makes a redelivered event
/// change nothing. Events are consumed in batches (see the definition below): the transactions of every new event of a
/// batch are added by one statement in one database transaction.
/// </summary>
public sealed class TransactionsRecordedConsumer(Inbox inbox, TimeProvider time) : IConsumer<Batch<TransactionsRecorded>>
{
    // The batch is aggregated per customer (and per customer, UTC day and kind; per customer and channel) in SQL, then
    // added in key order so two batches touching the same customers lock their rows in the same order (no deadlock).
    // A purchase day is new when its daily row was inserted rather than updated (xmax = 0): that keeps purchase_days,
    // a count of distinct days, additive too. LEAST/GREATEST ignore NULLs (returns only).
    private const string AddSql = """
        WITH batch AS (
            SELECT t.*, (t.occurred_at AT TIME ZONE 'UTC')::date AS day,
                   (t.discount <> 0 OR t.promotion_code IS NOT NULL) AS discounted
            FROM unnest(@CustomerIds, @IsReturns, @Gross, @Discounts, @Costs, @OccurredAts, @Channels, @PromotionCodes)
                 AS t(customer_id, is_return, gross, discount, cost, occurred_at, channel, promotion_code)
            -- An erased customer's late transactions are not kept, unless the customer registered again after the erasure.
            WHERE NOT EXISTS (
                SELECT 1 FROM erased_customers e
                WHERE e.customer_id = t.customer_id
                  AND NOT EXISTS (SELECT 1 FROM customer_profiles p2
                                  WHERE p2.customer_id = e.customer_id
                                    AND (p2.customer_version, p2.customer_updated_at) > (e.erased_version, e.erased_at)))
        ),
        daily AS (
            INSERT INTO customer_daily_purchases AS d (customer_id, day, is_return, orders_count, gross_revenue, net_revenue,
                discount_total, cost_total, costed_net_revenue, discounted_orders_count)
            SELECT customer_id, day, is_return, count(*), sum(gross), sum(gross - discount), sum(discount), coalesce(sum(cost), 0),
                   coalesce(sum(gross - discount) FILTER (WHERE cost IS NOT NULL), 0), count(*) FILTER (WHERE discounted)
            FROM batch
            GROUP BY customer_id, day, is_return
            ORDER BY customer_id, day, is_return
            ON CONFLICT (customer_id, day, is_return) DO UPDATE SET
                orders_count = d.orders_count + excluded.orders_count,
                gross_revenue = d.gross_revenue + excluded.gross_revenue,
                net_revenue = d.net_revenue + excluded.net_revenue,
                discount_total = d.discount_total + excluded.discount_total,
                cost_total = d.cost_total + excluded.cost_total,
                costed_net_revenue = d.costed_net_revenue + excluded.costed_net_revenue,
                discounted_orders_count = d.discounted_orders_count + excluded.discounted_orders_count
            RETURNING d.customer_id, d.is_return, (d.xmax = 0) AS inserted
        ),
        new_days AS (
            SELECT customer_id, count(*)::int AS n FROM daily WHERE inserted AND NOT is_return GROUP BY customer_id
        ),
        channels AS (
            INSERT INTO customer_channel_purchases AS c (customer_id, channel, orders_count, net_revenue)
            SELECT customer_id, coalesce(channel, 'unknown'), count(*), sum(gross - discount)
            FROM batch WHERE NOT is_return
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT (customer_id, channel) DO UPDATE SET
                orders_count = c.orders_count + excluded.orders_count,
                net_revenue = c.net_revenue + excluded.net_revenue
        )
        INSERT INTO customer_purchases AS p (customer_id, orders_count, returns_count, gross_revenue, net_revenue, discount_total,
            cost_total, costed_net_revenue, discounted_orders_count, purchase_days, first_purchase_at, last_purchase_at, updated_at)
        SELECT a.customer_id, a.orders_count, a.returns_count, a.gross, a.net, a.discount, a.cost, a.costed_net, a.discounted,
               coalesce(n.n, 0), a.a_first, a.a_last, @Now
        FROM (
            SELECT customer_id,
                   count(*) FILTER (WHERE NOT is_return),
                   count(*) FILTER (WHERE is_return),
                   sum(gross),
                   sum(gross - discount),
                   sum(discount),
                   coalesce(sum(cost), 0),
                   coalesce(sum(gross - discount) FILTER (WHERE cost IS NOT NULL), 0),
                   count(*) FILTER (WHERE discounted AND NOT is_return),
                   min(occurred_at) FILTER (WHERE NOT is_return) AS a_first,
                   max(occurred_at) FILTER (WHERE NOT is_return) AS a_last
            FROM batch GROUP BY customer_id
        ) AS a(customer_id, orders_count, returns_count, gross, net, discount, cost, costed_net, discounted, a_first, a_last)
        LEFT JOIN new_days n USING (customer_id)
        ORDER BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            orders_count = p.orders_count + excluded.orders_count,
            returns_count = p.returns_count + excluded.returns_count,
            gross_revenue = p.gross_revenue + excluded.gross_revenue,
            net_revenue = p.net_revenue + excluded.net_revenue,
            discount_total = p.discount_total + excluded.discount_total,
            cost_total = p.cost_total + excluded.cost_total,
            costed_net_revenue = p.costed_net_revenue + excluded.costed_net_revenue,
            discounted_orders_count = p.discounted_orders_count + excluded.discounted_orders_count,
            purchase_days = p.purchase_days + excluded.purchase_days,
            first_purchase_at = LEAST(p.first_purchase_at, excluded.first_purchase_at),
            last_purchase_at = GREATEST(p.last_purchase_at, excluded.last_purchase_at),
            updated_at = excluded.updated_at
        """;

    public Task Consume(ConsumeContext<Batch<TransactionsRecorded>> context) =>
        inbox.ProcessBatchOnceAsync(context, nameof(TransactionsRecordedConsumer), async (tx, events, ct) =>
        {
            var t = events.SelectMany(e => e.Transactions).ToList();
            if (t.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(AddSql, new
            {
                CustomerIds = t.Select(x => x.CustomerId).ToArray(),
                IsReturns = t.Select(x => x.IsReturn).ToArray(),
                Gross = t.Select(x => x.GrossAmount).ToArray(),
                Discounts = t.Select(x => x.DiscountAmount).ToArray(),
                Costs = t.Select(x => x.CostAmount).ToArray(),
                OccurredAts = t.Select(x => x.OccurredAt.ToUniversalTime()).ToArray(),
                Channels = t.Select(x => x.Channel).ToArray(),
                PromotionCodes = t.Select(x => x.PromotionCode).ToArray(),
                Now = time.GetUtcNow(),
            }, tx, cancellationToken: ct));
        });
}

/// <summary>
/// One batch at a time per replica: batches of an import touch the same customers, so concurrent ones would mostly
/// wait on each other's row locks (and, unsorted, deadlock); one at a time is as fast and uses fewer connections.
/// A batch is up to <see cref="ConsumerBatches.MessageLimit"/> events waiting in the queue (each event is one
/// group commit or import chunk of Ingestion), so under load one database transaction serves many events.
/// </summary>
public sealed class TransactionsRecordedConsumerDefinition : ConsumerDefinition<TransactionsRecordedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TransactionsRecordedConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(ConsumerBatches.Configure);
}

using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Keeps every customer's purchases (a customer may join a campaign after buying, and cohorts are followed for months)
/// once per transaction id, and adds the new ones to the buyers' memberships and targeted rows. Purchases of customers erased
/// here are not kept. Net = gross − discount (returns carry negative amounts); margin = net − cost, unknown cost 0.
/// Events are consumed in batches (<see cref="ConsumerBatches"/>): the transactions of every new event of a batch are
/// stored and attributed by one set of statements in one database transaction.
/// </summary>
public sealed class TransactionsRecordedConsumer(Inbox inbox) : IConsumer<Batch<TransactionsRecorded>>
{
    private const string Sql = """
        INSERT INTO purchases (transaction_id, customer_id, occurred_at, net_amount, margin, cost_known, is_return, campaign_code, promotion_code)
        SELECT u.transaction_id, u.customer_id, u.occurred_at, u.gross - u.discount, u.gross - u.discount - coalesce(u.cost, 0),
               u.cost IS NOT NULL, u.is_return, u.campaign_code, u.promotion_code
        FROM unnest(@TransactionIds, @CustomerIds, @OccurredAts, @Gross, @Discounts, @Costs, @IsReturns, @CampaignCodes, @PromotionCodes)
             AS u(transaction_id, customer_id, occurred_at, gross, discount, cost, is_return, campaign_code, promotion_code)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id)
        ON CONFLICT (customer_id, occurred_at, transaction_id) DO NOTHING
        RETURNING customer_id AS CustomerId, occurred_at AS OccurredAt, net_amount AS NetAmount, margin AS Margin,
                  is_return AS IsReturn, campaign_code AS CampaignCode, promotion_code AS PromotionCode
        """;

    public Task Consume(ConsumeContext<Batch<TransactionsRecorded>> context) =>
        inbox.ProcessBatchOnceAsync(context, nameof(TransactionsRecordedConsumer), async (tx, events, ct) =>
        {
            var t = events.SelectMany(e => e.Transactions).ToList();
            if (t.Count == 0)
            {
                return;
            }

            // The purchases are stored before the attribution lock is taken, so batches insert in parallel and only the
            // additions to the members wait for each other. Safe: a member can only include a purchase another
            // transaction committed, and this one commits its purchases together with their addition (under the lock).
            await ErasureLock.LockSharedAsync(tx, ct);
            var stored = (await tx.Connection!.QueryAsync<StoredPurchase>(new CommandDefinition(Sql, new
            {
                TransactionIds = t.Select(x => x.TransactionId).ToArray(),
                CustomerIds = t.Select(x => x.CustomerId).ToArray(),
                OccurredAts = t.Select(x => x.OccurredAt.ToUniversalTime()).ToArray(),
                Gross = t.Select(x => x.GrossAmount).ToArray(),
                Discounts = t.Select(x => x.DiscountAmount).ToArray(),
                Costs = t.Select(x => x.CostAmount).ToArray(),
                IsReturns = t.Select(x => x.IsReturn).ToArray(),
                CampaignCodes = t.Select(x => x.CampaignCode).ToArray(),
                PromotionCodes = t.Select(x => x.PromotionCode).ToArray(),
            }, tx, cancellationToken: ct))).ToArray();
            await MemberAttribution.LockAsync(tx, ct);
            await MemberAttribution.AddPurchasesAsync(tx, stored, ct);
        });
}

/// <summary>Batches of events, one at a time per replica: attribution is serial per database anyway (one lock).</summary>
public sealed class TransactionsRecordedConsumerDefinition : ConsumerDefinition<TransactionsRecordedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TransactionsRecordedConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(ConsumerBatches.Configure);
}

using Dapper;
using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Keeps each customer's latest scores: a row is replaced only by a higher run number, so batches of runs in any order
/// end with the latest run's scores. Scores of customers erased here are not kept. Scores change no member's outcome:
/// a member's value tier in the statistics is the one at launch (a tier after launch would be a consequence of the
/// campaign, and splitting by it would bias the comparison), so no re-derivation follows.
/// </summary>
public sealed class CustomersScoredConsumer(Inbox inbox) : IConsumer<CustomersScored>
{
    private const string Sql = """
        INSERT INTO customer_scores AS s (customer_id, run_number, value_tier, clv, probability_alive, churn_risk, deal_seeker, orders)
        SELECT DISTINCT ON (u.customer_id) u.customer_id, @RunNumber, u.value_tier, u.clv, u.probability_alive, u.churn_risk, u.deal_seeker, u.orders
        FROM unnest(@CustomerIds, @ValueTiers, @Clvs, @ProbabilitiesAlive, @ChurnRisks, @DealSeekers, @Orders)
             AS u(customer_id, value_tier, clv, probability_alive, churn_risk, deal_seeker, orders)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id)
        ORDER BY u.customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            run_number = excluded.run_number, value_tier = excluded.value_tier, clv = excluded.clv,
            probability_alive = excluded.probability_alive, churn_risk = excluded.churn_risk,
            deal_seeker = excluded.deal_seeker, orders = excluded.orders
        WHERE s.run_number < excluded.run_number
        """;

    public Task Consume(ConsumeContext<CustomersScored> context) =>
        inbox.ProcessOnceAsync(context, nameof(CustomersScoredConsumer), async (tx, ct) =>
        {
            var m = context.Message;
            var s = m.Scores;
            if (s.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new
            {
                m.RunNumber,
                CustomerIds = s.Select(x => x.CustomerId).ToArray(),
                ValueTiers = s.Select(x => x.ValueTier).ToArray(),
                Clvs = s.Select(x => x.Clv).ToArray(),
                ProbabilitiesAlive = s.Select(x => x.ProbabilityAlive).ToArray(),
                ChurnRisks = s.Select(x => x.ChurnRisk).ToArray(),
                DealSeekers = s.Select(x => x.DealSeeker).ToArray(),
                Orders = s.Select(x => x.Orders).ToArray(),
            }, tx, cancellationToken: ct));
        });
}

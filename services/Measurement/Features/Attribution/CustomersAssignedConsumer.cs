using Dapper;
using MassTransit;
using Platform.Contracts.Campaigns;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Adds a batch of campaign members and derives them from the facts already stored (contacts, responses and purchases
/// may have arrived first). A batch is recognised by (campaign, batch number), so the same batch under another message
/// id changes nothing. A member whose customer was erased here is stored under a random id, with no facts: the
/// campaign's counts stay true without keeping the person.
/// </summary>
public sealed class CustomersAssignedConsumer(Inbox inbox) : IConsumer<CustomersAssigned>
{
    private const string BatchSql = """
        INSERT INTO assigned_batches (campaign_id, batch_number, batch_count) VALUES (@CampaignId, @BatchNumber, @BatchCount)
        ON CONFLICT DO NOTHING
        """;

    private const string MembersSql = """
        INSERT INTO members (campaign_id, customer_id, cell, wave, global_control, value_tier, clv, deal_seeker, pre_revenue,
            pre_orders, lifecycle, anonymized)
        SELECT @CampaignId, CASE WHEN e.customer_id IS NULL THEN u.customer_id ELSE gen_random_uuid() END, u.cell, u.wave,
               u.global_control, u.value_tier, u.clv, u.deal_seeker, u.pre_revenue, u.pre_orders, u.lifecycle, e.customer_id IS NOT NULL
        FROM unnest(@CustomerIds, @Cells, @Waves, @GlobalControls, @ValueTiers, @Clvs, @DealSeekers, @PreRevenues, @PreOrders, @Lifecycles)
             AS u(customer_id, cell, wave, global_control, value_tier, clv, deal_seeker, pre_revenue, pre_orders, lifecycle)
        LEFT JOIN erased_customers e ON e.customer_id = u.customer_id
        ON CONFLICT (campaign_id, customer_id) DO NOTHING
        RETURNING customer_id
        """;

    public Task Consume(ConsumeContext<CustomersAssigned> context) =>
        inbox.ProcessOnceAsync(context, nameof(CustomersAssignedConsumer), async (tx, ct) =>
        {
            var m = context.Message;
            await ErasureLock.LockSharedAsync(tx, ct);
            await MemberAttribution.LockAsync(tx, ct);
            var connection = tx.Connection!;
            if (await connection.ExecuteAsync(new CommandDefinition(BatchSql, new { m.CampaignId, m.BatchNumber, m.BatchCount }, tx, cancellationToken: ct)) == 0)
            {
                return; // this batch was stored before, under another message id
            }

            var a = m.Assignments;
            var added = (await connection.QueryAsync<Guid>(new CommandDefinition(MembersSql, new
            {
                m.CampaignId,
                CustomerIds = a.Select(x => x.CustomerId).ToArray(),
                Cells = a.Select(x => x.Cell).ToArray(),
                Waves = a.Select(x => x.Wave).ToArray(),
                GlobalControls = a.Select(x => x.GlobalControl).ToArray(),
                ValueTiers = a.Select(x => x.ValueTier).ToArray(),
                Clvs = a.Select(x => x.Clv).ToArray(),
                DealSeekers = a.Select(x => x.DealSeeker).ToArray(),
                PreRevenues = a.Select(x => x.NetRevenue365).ToArray(),
                PreOrders = a.Select(x => x.Orders365).ToArray(),
                Lifecycles = a.Select(x => x.Lifecycle).ToArray(),
            }, tx, cancellationToken: ct))).ToArray();
            await MemberAttribution.RederiveMembersAsync(tx, m.CampaignId, added, ct);
        });
}

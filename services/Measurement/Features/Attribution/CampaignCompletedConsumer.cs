using Dapper;
using MassTransit;
using Platform.Contracts.Campaigns;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Records that a campaign ended (completed or cancelled). Kept in <c>campaign_completions</c> too, so a completion that
/// arrives before the launch is applied when the campaign arrives; the latest completion wins.
/// </summary>
public sealed class CampaignCompletedConsumer(Inbox inbox) : IConsumer<CampaignCompleted>
{
    private const string Sql = """
        INSERT INTO campaign_completions AS x (campaign_id, status, at) VALUES (@CampaignId, @Status, @At)
        ON CONFLICT (campaign_id) DO UPDATE SET status = excluded.status, at = excluded.at WHERE x.at <= excluded.at;
        UPDATE campaigns c SET status = x.status, completed_at = x.at
        FROM campaign_completions x WHERE x.campaign_id = @CampaignId AND c.id = x.campaign_id;
        """;

    public Task Consume(ConsumeContext<CampaignCompleted> context) =>
        inbox.ProcessOnceAsync(context, nameof(CampaignCompletedConsumer), async (tx, ct) =>
        {
            var m = context.Message;
            // Under the attribution lock, as the launch: otherwise a launch reading campaign_completions before this
            // commits, while this finds no campaign yet, would lose the completion.
            await MemberAttribution.LockAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, new { m.CampaignId, m.Status, At = m.At.ToUniversalTime() }, tx, cancellationToken: ct));
        });
}

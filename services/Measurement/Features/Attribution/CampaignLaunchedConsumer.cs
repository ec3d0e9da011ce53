using System.Text.Json;
using Dapper;
using MassTransit;
using Platform.Contracts.Campaigns;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Keeps a launched campaign, its waves and its cells (with the cost per redemption of each cell's offer). Members,
/// contacts and outcomes may have arrived before it: its members are re-derived once it is known. A second copy of the
/// launch (another message id) changes nothing.
/// </summary>
public sealed class CampaignLaunchedConsumer(Inbox inbox) : IConsumer<CampaignLaunched>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A completion that arrived first is applied here.
    private const string CampaignSql = """
        INSERT INTO campaigns (id, code, name, objective, kind, launched_at, response_window_days, currency, budget, member_count,
            global_control_share, cells, waves, offers, status, completed_at)
        SELECT @CampaignId, @Code, @Name, @Objective, @Kind, @LaunchedAt, @ResponseWindowDays, @Currency, @Budget, @MemberCount,
               @GlobalControlShare, @Cells::jsonb, @Waves::jsonb, @Offers::jsonb, coalesce(x.status, 'running'), x.at
        FROM (SELECT 1) AS one LEFT JOIN campaign_completions x ON x.campaign_id = @CampaignId
        ON CONFLICT (id) DO NOTHING
        """;

    private const string DesignSql = """
        INSERT INTO campaign_waves (campaign_id, wave, share, starts_at)
        SELECT @CampaignId, u.* FROM unnest(@WaveNumbers, @WaveShares, @WaveStarts) AS u(wave, share, starts_at)
        ON CONFLICT DO NOTHING;
        INSERT INTO campaign_cells (campaign_id, cell, share, is_control, offer_code, cost_per_redemption)
        SELECT @CampaignId, u.* FROM unnest(@CellCodes, @CellShares, @CellControls, @CellOffers, @CellOfferCosts)
             AS u(cell, share, is_control, offer_code, cost_per_redemption)
        ON CONFLICT DO NOTHING;
        """;

    public Task Consume(ConsumeContext<CampaignLaunched> context) =>
        inbox.ProcessOnceAsync(context, nameof(CampaignLaunchedConsumer), async (tx, ct) =>
        {
            var c = context.Message;
            await MemberAttribution.LockAsync(tx, ct);
            var inserted = await tx.Connection!.ExecuteAsync(new CommandDefinition(CampaignSql, new
            {
                c.CampaignId, c.Code, c.Name, c.Objective, c.Kind, LaunchedAt = c.LaunchedAt.ToUniversalTime(), c.ResponseWindowDays,
                c.Currency, c.Budget, c.MemberCount, c.GlobalControlShare,
                Cells = JsonSerializer.Serialize(c.Cells, Json),
                Waves = JsonSerializer.Serialize(c.Waves, Json),
                Offers = JsonSerializer.Serialize(c.Offers, Json),
            }, tx, cancellationToken: ct));
            if (inserted == 0)
            {
                return; // known already: a copy of the launch
            }

            var offerCosts = c.Offers.GroupBy(o => o.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().CostPerRedemption, StringComparer.Ordinal);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(DesignSql, new
            {
                c.CampaignId,
                WaveNumbers = c.Waves.Select(w => w.Number).ToArray(),
                WaveShares = c.Waves.Select(w => w.Share).ToArray(),
                WaveStarts = c.Waves.Select(w => w.StartsAt.ToUniversalTime()).ToArray(),
                CellCodes = c.Cells.Select(x => x.Code).ToArray(),
                CellShares = c.Cells.Select(x => x.Share).ToArray(),
                CellControls = c.Cells.Select(x => x.IsControl).ToArray(),
                CellOffers = c.Cells.Select(x => x.OfferCode).ToArray(),
                CellOfferCosts = c.Cells.Select(x => x.OfferCode is { } code && offerCosts.TryGetValue(code, out var cost) ? cost : 0m).ToArray(),
            }, tx, cancellationToken: ct));
            await MemberAttribution.RederiveCampaignAsync(tx, c.CampaignId, ct);
        });
}

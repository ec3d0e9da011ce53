using Campaigns.Features.Design;
using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Launch;

/// <summary>The <see cref="CampaignLaunched"/> event of a campaign, the same whether the platform launched it or its assignments were imported.</summary>
public static class LaunchEvents
{
    /// <summary>The event for <paramref name="design"/> launched at <paramref name="launchedAt"/> with <paramref name="waves"/> (materialized).</summary>
    public static CampaignLaunched Launched(
        Guid campaignId, CampaignDesign design, Guid? snapshotId, DateTimeOffset launchedAt, IReadOnlyList<CampaignWave> waves, int memberCount, double globalControlShare)
    {
        ArgumentNullException.ThrowIfNull(design);
        return new CampaignLaunched
        {
            CampaignId = campaignId,
            Code = design.Code,
            Name = design.Name,
            Objective = design.Objective,
            Kind = design.Kind,
            SnapshotId = snapshotId,
            LaunchedAt = launchedAt,
            ResponseWindowDays = design.ResponseWindowDays,
            Budget = design.Budget,
            Currency = design.Currency,
            Cells = design.Cells,
            Waves = waves,
            Offers = design.Offers,
            MemberCount = memberCount,
            GlobalControlShare = globalControlShare,
        };
    }
}

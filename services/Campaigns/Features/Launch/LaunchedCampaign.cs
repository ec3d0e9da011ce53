using Campaigns.Features.Design;
using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Launch;

/// <summary>A campaign whose members have all been assigned, as <see cref="ICampaignLaunchListener"/> receives it.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="SnapshotId">The launch snapshot it was assigned from.</param>
/// <param name="Design">Its design as launched.</param>
/// <param name="Waves">The waves as launched (<see cref="LaunchWaves.Materialize"/>), also in <c>campaigns.launched_waves</c>.</param>
/// <param name="LaunchedAt">When the launch was asked for.</param>
/// <param name="Status">The campaign's status after assignment: <c>running</c> once its first wave has started, else <c>scheduled</c> (or <c>cancelled</c>).</param>
/// <param name="MemberCount">Members assigned (global control members included).</param>
public sealed record LaunchedCampaign(
    Guid CampaignId, Guid SnapshotId, CampaignDesign Design, IReadOnlyList<CampaignWave> Waves, DateTimeOffset LaunchedAt, string Status, int MemberCount);

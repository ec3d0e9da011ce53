using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Design;

/// <summary>
/// A validated campaign design as stored (<c>campaigns.design</c>, JSON) and as launch, dispatch and the events read
/// it. Cells include the control cell (code <c>control</c>, <see cref="CampaignCell.IsControl"/>, no steps) first;
/// shares of all cells sum to 1. An empty <see cref="Waves"/> means one wave holding everyone, starting at launch.
/// </summary>
public sealed record CampaignDesign
{
    /// <summary>Cell code of the campaign's control group.</summary>
    public const string ControlCell = "control";

    /// <summary>Cell code given to target members who belong to the global control group.</summary>
    public const string GlobalControlCell = "global_control";

    public required string Code { get; init; }
    public required string Name { get; init; }

    /// <summary><c>acquisition</c>, <c>retention</c>, <c>cross_sell</c> or <c>win_back</c>.</summary>
    public required string Objective { get; init; }

    /// <summary><c>platform</c> or <c>external</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Target segment (required for platform campaigns).</summary>
    public Guid? SegmentId { get; init; }

    public required int ResponseWindowDays { get; init; }
    public decimal? Budget { get; init; }

    /// <summary>ISO 4217 currency of costs and budget.</summary>
    public required string Currency { get; init; }

    public required IReadOnlyList<CampaignOffer> Offers { get; init; }
    public required IReadOnlyList<CampaignCell> Cells { get; init; }
    public required IReadOnlyList<CampaignWave> Waves { get; init; }
}

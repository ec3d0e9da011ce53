using System.ComponentModel;

namespace Campaigns.Features.Design;

/// <summary>A campaign design as a marketer writes it (POST and PUT <c>/v1/campaigns</c>); validated into a <see cref="CampaignDesign"/>.</summary>
public sealed record CampaignRequest
{
    [Description("Campaign code that responses and orders carry; unique.")]
    public string? Code { get; init; }

    public string? Name { get; init; }

    [Description("acquisition, retention, cross_sell or win_back.")]
    public string? Objective { get; init; }

    [Description("platform (default: executed here, needs segmentId) or external (executed elsewhere, assignments imported).")]
    public string? Kind { get; init; }

    [Description("Target segment (from Segmentation); required for platform campaigns.")]
    public Guid? SegmentId { get; init; }

    [Description("Days after a customer's first contact in which outcomes count, 1 to 365.")]
    public int? ResponseWindowDays { get; init; }

    [Description("Budget ceiling in currency, if any.")]
    public decimal? Budget { get; init; }

    [Description("ISO 4217 currency of costs and budget.")]
    public string? Currency { get; init; }

    public IReadOnlyList<OfferRequest?>? Offers { get; init; }

    [Description("Share of the target held out as the campaign's control group (never contacted), above 0 and below 1.")]
    public double? ControlShare { get; init; }

    [Description("Treated cells; their shares and controlShare sum to 1.")]
    public IReadOnlyList<CellRequest?>? Cells { get; init; }

    [Description("Optional: the target split into waves started on a schedule; shares sum to 1. None: one wave at launch.")]
    public IReadOnlyList<WaveRequest?>? Waves { get; init; }
}

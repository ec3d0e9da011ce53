namespace Measurement.Features.Results;

/// <summary>What a campaign's results are computed from: its rows of the maintained statistics, and the scans asked for (null when not).</summary>
public sealed record ResultsInput(
    CampaignRow Campaign,
    IReadOnlyList<CellDesignRow> Cells,
    IReadOnlyList<CellStatsRow> Stats,
    IReadOnlyList<StepStatsRow> Steps,
    IReadOnlyList<StepResponderRow> StepResponders,
    IReadOnlyList<WinsorizedRow>? Winsorized,
    IReadOnlyList<CohortRow>? Cohorts,
    DateTimeOffset Now);

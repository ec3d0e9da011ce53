namespace Measurement.Features.Results;

/// <summary>
/// One cell's figures. Counts and rates are per assigned member (intent to treat: contacted or not, responders or not);
/// <see cref="PerContacted"/> is the labelled reference view of the contacted members only (null when none was).
/// </summary>
public sealed record CellFigures(
    string Cell,
    bool IsControl,
    double? DesignedShare,
    string? OfferCode,
    long Assigned,
    long Contacted,
    long Reached,
    long Responders,
    long Converters,
    long Redeemers,
    long Orders,
    Estimate ReachRate,
    Estimate ResponseRate,
    Estimate ConversionRate,
    MoneyView PerAssigned,
    ContactedView? PerContacted,
    CostView Costs,
    IReadOnlyList<BreakdownRow> ByWave,
    IReadOnlyList<BreakdownRow> ByValueTier,
    IReadOnlyList<StepFigures> BySteps);

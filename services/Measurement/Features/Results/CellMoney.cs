namespace Measurement.Features.Results;

/// <summary>
/// What a treated cell earned against control, in money: costs as recorded; incremental responders, conversions,
/// revenue, margin and profit (treated mean − control mean, times the cell's assigned members) with intervals; ROI and
/// the cost per incremental response and acquisition with intervals. Each figure names its method.
/// </summary>
public sealed record CellMoney(
    string Cell,
    long Assigned,
    CostView Costs,
    Estimate IncrementalResponders,
    Estimate IncrementalConversions,
    Estimate IncrementalRevenue,
    Estimate? IncrementalRevenueCuped,
    Estimate IncrementalMargin,
    Estimate IncrementalProfit,
    Estimate Roi,
    Estimate CostPerIncrementalResponse,
    Estimate CostPerIncrementalAcquisition);

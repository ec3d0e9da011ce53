namespace Platform.Numerics.Statistics;

/// <summary>Money ratios of a campaign with intervals (ROI, cost per incremental response or acquisition).</summary>
public static class Ratios
{
    /// <summary>
    /// ROI = incremental profit / cost, per treated unit: (mean profit of treatment − mean margin of control) / mean cost of
    /// treatment, with a delta-method interval that counts the variance of the cost (offer costs are random) and its
    /// covariance with the profit. <paramref name="treatmentProfit"/>: Σ and Σ² of per-unit profit (margin − costs);
    /// <paramref name="treatmentCost"/>: Σ and Σ² of per-unit cost; <paramref name="profitCostCrossProducts"/>: Σ profit·cost;
    /// <paramref name="controlMargin"/>: Σ and Σ² of the control's margin. Null when the treatment cost nothing.
    /// </summary>
    public static RatioEstimate? ReturnOnInvestment(Moments treatmentProfit, Moments treatmentCost, double profitCostCrossProducts, Moments controlMargin, double confidence = 0.95) => throw new NotImplementedException();

    /// <summary>
    /// Cost per incremental unit (response, acquisition) = total cost / incremental count, the interval by inverting the
    /// interval of the incremental count (exact for a fixed cost): infinite above when the incremental count may be zero
    /// or less; null estimate when the estimated increment is not positive.
    /// </summary>
    public static RatioEstimate CostPerIncrement(double totalCost, double increment, Interval incrementInterval) => throw new NotImplementedException();
}

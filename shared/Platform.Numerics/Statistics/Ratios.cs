using MathNet.Numerics.Distributions;

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
    /// <para>
    /// Delta method (first-order Taylor expansion of R = D / C̄ with D = P̄_T − M̄_C): with s²_P, s²_C, s_PC the sample
    /// variances and covariance of profit and cost in the treated arm (n_T units) and s²_M the control margin's variance
    /// (n_C units, independent of the treated arm),
    /// <code>Var(D) = s²_P/n_T + s²_M/n_C,  Var(C̄) = s²_C/n_T,  Cov(D, C̄) = s_PC/n_T</code>
    /// <code>Var(R) ≈ Var(D)/C̄² − 2·D·Cov(D, C̄)/C̄³ + D²·Var(C̄)/C̄⁴</code>
    /// and the interval R ± z·√Var(R). Its coverage is checked by simulation (random offer costs, zero-heavy margins).
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than two units in an arm, or treated profit and cost over different units.</exception>
    public static RatioEstimate? ReturnOnInvestment(Moments treatmentProfit, Moments treatmentCost, double profitCostCrossProducts, Moments controlMargin, double confidence = 0.95)
    {
        Checks.Confidence(confidence);
        if (!(treatmentProfit.Units >= 2) || treatmentCost.Units != treatmentProfit.Units || !(controlMargin.Units >= 2))
        {
            throw new ArgumentOutOfRangeException(nameof(treatmentProfit), "Need at least two units per arm, the same units for the treated profit and cost.");
        }

        var nT = treatmentProfit.Units;
        var cost = treatmentCost.Mean;
        if (!(cost > 0))
        {
            return null;
        }

        var d = treatmentProfit.Mean - controlMargin.Mean;
        var covariance = (profitCostCrossProducts - (treatmentProfit.Sum * treatmentCost.Sum / nT)) / (nT - 1);
        var varD = (treatmentProfit.Variance / nT) + (controlMargin.Variance / controlMargin.Units);
        var varC = treatmentCost.Variance / nT;
        var covDC = covariance / nT;
        var ratio = d / cost;
        var variance = (varD / (cost * cost)) - (2 * d * covDC / (cost * cost * cost)) + (d * d * varC / (cost * cost * cost * cost));
        var z = Normal.InvCDF(0, 1, (1 + confidence) / 2);
        var half = z * Math.Sqrt(Math.Max(0, variance));
        return new RatioEstimate(ratio, new Interval(ratio - half, ratio + half),
            "delta method on (mean profit of treatment − mean margin of control) / mean cost of treatment, counting the variance of the cost and its covariance with the profit; normal quantile");
    }

    /// <summary>
    /// Cost per incremental unit (response, acquisition) = total cost / incremental count, the interval by inverting the
    /// interval of the incremental count (exact for a fixed cost): infinite above when the incremental count may be zero
    /// or less; null estimate when the estimated increment is not positive. When even the upper end of the increment is
    /// not positive, the interval is [∞, ∞] (no increment was bought at any price).
    /// </summary>
    public static RatioEstimate CostPerIncrement(double totalCost, double increment, Interval incrementInterval)
    {
        if (!(totalCost >= 0) || !double.IsFinite(totalCost) || double.IsNaN(increment) || incrementInterval.Lower > incrementInterval.Upper)
        {
            throw new ArgumentOutOfRangeException(nameof(totalCost), "Need a finite total cost ≥ 0, an increment and an ordered interval.");
        }

        const string Method = "total cost divided by the incremental count; interval by inverting the increment's interval";
        double? estimate = increment > 0 ? totalCost / increment : null;
        var (lower, upper) = (incrementInterval.Lower, incrementInterval.Upper);
        var interval = upper <= 0 ? new Interval(double.PositiveInfinity, double.PositiveInfinity)
            : lower <= 0 ? new Interval(totalCost / upper, double.PositiveInfinity)
            : new Interval(totalCost / upper, totalCost / lower);
        return new RatioEstimate(estimate, interval, Method);
    }
}

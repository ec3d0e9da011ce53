using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>A cell against control, metric by metric, unadjusted and CUPED; Holm's correction across a campaign's cells.</summary>
public static class LiftCalculator
{
    public const string ResponseRate = "responseRate";
    public const string ConversionRate = "conversionRate";
    public const string RevenuePerCustomer = "revenuePerCustomer";
    public const string MarginPerCustomer = "marginPerCustomer";
    public const string RevenuePerCustomerWinsorized = "revenuePerCustomerWinsorized";

    private const string TooFew = "needs at least 2 members in both the cell and control";

    /// <summary>
    /// The comparison of one metric: the z-test for rates (<paramref name="isRate"/>), Welch's t-test for money; CUPED beside
    /// it when the covariate varies (θ is undefined otherwise).
    /// </summary>
    public static MetricLift Compare(string metric, Moments control, Moments treatment, bool isRate, ResultsQuery query)
    {
        if (control.Units < 2 || treatment.Units < 2)
        {
            return new MetricLift(metric, null, null, TooFew);
        }

        var options = query.LiftOptions;
        var unadjusted = isRate ? Comparisons.Rates(control, treatment, options) : Comparisons.Means(control, treatment, options);
        var cuped = CovariateVaries(control, treatment)
            ? Figures.View(Comparisons.Cuped(control, treatment, isRate, options), query.SequentialTuning)
            : null;
        return new MetricLift(metric, Figures.View(unadjusted, query.SequentialTuning), cuped, null);
    }

    /// <summary>A rate against control without CUPED (cohort figures), null below two units in either arm.</summary>
    public static LiftView? Rates(Moments control, Moments treatment, ResultsQuery query) =>
        control.Units < 2 || treatment.Units < 2 ? null : Figures.View(Comparisons.Rates(control, treatment, query.LiftOptions), query.SequentialTuning);

    /// <summary>A mean against control without CUPED, null below two units in either arm.</summary>
    public static LiftView? Means(Moments control, Moments treatment, ResultsQuery query) =>
        control.Units < 2 || treatment.Units < 2 ? null : Figures.View(Comparisons.Means(control, treatment, query.LiftOptions), query.SequentialTuning);

    /// <summary>Holm-adjusts the p-values of each metric across the cells (unadjusted and CUPED families apart).</summary>
    public static IReadOnlyList<CellLift> WithHolm(IReadOnlyList<CellLift> cells)
    {
        var metrics = cells.Select(c => c.Metrics.Select(m => m).ToArray()).ToArray();
        var names = metrics.SelectMany(m => m).Select(m => m.Metric).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            Adjust(metrics, name, m => m.Unadjusted, (m, v) => m with { Unadjusted = v });
            Adjust(metrics, name, m => m.Cuped, (m, v) => m with { Cuped = v });
        }

        return cells.Select((c, i) => c with { Metrics = metrics[i] }).ToList();
    }

    private static void Adjust(MetricLift[][] metrics, string name, Func<MetricLift, LiftView?> get, Func<MetricLift, LiftView, MetricLift> set)
    {
        var found = new List<(int Cell, int Metric, double P)>();
        for (var c = 0; c < metrics.Length; c++)
        {
            for (var m = 0; m < metrics[c].Length; m++)
            {
                if (metrics[c][m].Metric == name && get(metrics[c][m]) is { PValue: { } p })
                {
                    found.Add((c, m, p));
                }
            }
        }

        if (found.Count == 0)
        {
            return;
        }

        var adjusted = Holm.Adjust(found.Select(f => f.P).ToArray());
        for (var i = 0; i < found.Count; i++)
        {
            var (c, m, _) = found[i];
            metrics[c][m] = set(metrics[c][m], get(metrics[c][m])! with { HolmPValue = IntervalView.Finite(adjusted[i]) });
        }
    }

    /// <summary>True when the pooled covariate has a positive variance (CUPED's θ divides by it).</summary>
    private static bool CovariateVaries(Moments control, Moments treatment)
    {
        var n = control.Units + treatment.Units;
        var sum = control.CovariateSum + treatment.CovariateSum;
        var squares = control.CovariateSumOfSquares + treatment.CovariateSumOfSquares;
        var centred = squares - (sum * sum / n);
        return centred > 1e-9 * Math.Max(1, squares);
    }
}

using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>Health of a campaign's test: sample-ratio mismatch, contacts to control members, detectable lifts.</summary>
public static class HealthCalculator
{
    public const string GlobalControlCell = "global_control";

    public static HealthView Compute(
        IReadOnlyList<CellDesignRow> design, IReadOnlyDictionary<string, StatsTotals> cells, IReadOnlyList<StepStatsRow> steps, ResultsQuery query)
    {
        return new HealthView(SampleRatioOf(design, cells), ControlContacts(design, steps), Detectable(design, cells, query));
    }

    /// <summary>Chi-square of the designed cells' assigned counts (global control members are not in any designed cell) against the designed shares.</summary>
    public static SampleRatioView SampleRatioOf(IReadOnlyList<CellDesignRow> design, IReadOnlyDictionary<string, StatsTotals> cells)
    {
        const string Method = "chi-square goodness of fit of assigned members per designed cell (global control excluded) against the designed shares; flagged at p < 0.001";
        var observed = design.Select(d => cells.TryGetValue(d.Cell, out var t) ? t.Members : 0).ToList();
        var total = observed.Sum();
        var shareSum = design.Sum(d => d.Share);
        if (design.Count < 2 || total == 0 || design.Any(d => !(d.Share > 0)))
        {
            var none = design.Select((d, i) => new SampleRatioCell(d.Cell, d.Share, observed[i], shareSum > 0 ? total * d.Share / shareSum : 0)).ToList();
            return new SampleRatioView(none, null, Math.Max(0, design.Count - 1), null, false, SampleRatio.Threshold, Method + " (not tested: needs two cells and members)");
        }

        var test = SampleRatio.Test(observed.Select(o => (double)o).ToArray(), design.Select(d => d.Share).ToArray());
        var rows = design.Select((d, i) => new SampleRatioCell(d.Cell, d.Share, observed[i], test.Expected[i])).ToList();
        return new SampleRatioView(rows, IntervalView.Finite(test.ChiSquare), test.DegreesOfFreedom, IntervalView.Finite(test.PValue), test.Mismatch, SampleRatio.Threshold, Method);
    }

    private static ControlContactsView ControlContacts(IReadOnlyList<CellDesignRow> design, IReadOnlyList<StepStatsRow> steps)
    {
        var controls = design.Where(d => d.IsControl).Select(d => d.Cell).ToHashSet(StringComparer.Ordinal);
        var rows = steps.Where(s => s.Made && (controls.Contains(s.Cell) || s.Cell == GlobalControlCell))
            .Select(s => new ControlContactRow(s.Cell, s.Wave, s.Step, s.Channel, s.Status, s.Contacts)).ToList();
        var global = rows.Where(r => r.Cell == GlobalControlCell).Sum(r => r.Contacts);
        var campaign = rows.Where(r => r.Cell != GlobalControlCell).Sum(r => r.Contacts);
        return new ControlContactsView(campaign, global, campaign + global > 0, rows);
    }

    private static List<DetectableLiftView> Detectable(IReadOnlyList<CellDesignRow> design, IReadOnlyDictionary<string, StatsTotals> cells, ResultsQuery query)
    {
        var result = new List<DetectableLiftView>();
        if (design.FirstOrDefault(d => d.IsControl) is not { } controlDesign || !cells.TryGetValue(controlDesign.Cell, out var control) || control.Members == 0)
        {
            return result;
        }

        var alpha = 1 - query.Confidence;
        foreach (var d in design.Where(d => !d.IsControl))
        {
            if (!cells.TryGetValue(d.Cell, out var treated) || treated.Members == 0)
            {
                continue;
            }

            double nc = control.Members, nt = treated.Members;
            DetectableFigure RateFigure(double baseline)
            {
                // A baseline of 0 or 1 leaves no variance to plan with: no detectable lift is given.
                var lift = baseline > 0 && baseline < 1 ? Power.MinimumDetectableRateLift(baseline, nc, nt, ResultsQuery.Power, alpha) : null;
                return new DetectableFigure(baseline, lift is { } l ? IntervalView.Finite(l) : null, lift is { } r && baseline > 0 ? IntervalView.Finite(r / baseline) : null);
            }

            var pooled = control.Revenue + treated.Revenue;
            var revenueBaseline = control.Revenue.Mean;
            var sd = double.IsFinite(pooled.Variance) ? Math.Sqrt(pooled.Variance) : double.NaN;
            var meanLift = double.IsFinite(sd) && sd > 0 ? Power.MinimumDetectableMeanLift(sd, nc, nt, ResultsQuery.Power, alpha) : null;
            result.Add(new DetectableLiftView(
                d.Cell, control.Members, treated.Members, ResultsQuery.Power, alpha,
                RateFigure((double)control.Responders / nc),
                RateFigure((double)control.Converters / nc),
                new DetectableFigure(IntervalView.Finite(revenueBaseline), meanLift is { } m ? IntervalView.Finite(m) : null,
                    meanLift is { } m2 && revenueBaseline > 0 ? IntervalView.Finite(m2 / revenueBaseline) : null),
                "two-sided two-proportion z-test (rates, baseline = control's observed rate) and z-approximation of Welch's test (revenue, SD of both arms taken together) at the cells' actual sizes"));
        }

        return result;
    }
}

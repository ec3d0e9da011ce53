using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>
/// Quality of what a campaign acquired (acquisition: the converters followed after their first purchase) or kept
/// (retention, win-back: members still buying 90 days after their window started), each cell against control.
/// </summary>
public static class QualityCalculator
{
    public static readonly int[] RepeatDays = [30, 90, 180];

    public static bool NeedsCohort(string objective) => objective == "acquisition";

    public static QualityView? Compute(
        CampaignRow campaign, IReadOnlyList<CellDesignRow> design, IReadOnlyDictionary<string, StatsTotals> cells,
        IReadOnlyList<CohortRow>? cohorts, IReadOnlyDictionary<string, CellMoney> money, DateTimeOffset now, ResultsQuery query)
    {
        var control = design.FirstOrDefault(d => d.IsControl)?.Cell;
        switch (campaign.Objective)
        {
            case "acquisition" when cohorts is not null:
                return new QualityView(campaign.Objective, Acquisition(design, cohorts, control, money, now, query), null);
            case "retention" or "win_back":
                return new QualityView(campaign.Objective, null, Retention(campaign, design, cells, control, now, query));
            default:
                return null;
        }
    }

    private static AcquisitionQuality Acquisition(
        IReadOnlyList<CellDesignRow> design, IReadOnlyList<CohortRow> cohorts, string? control, IReadOnlyDictionary<string, CellMoney> money,
        DateTimeOffset now, ResultsQuery query)
    {
        var byCell = cohorts.ToDictionary(c => c.Cell, StringComparer.Ordinal);
        var empty = new Func<string, CohortRow>(cell => new CohortRow(cell, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        var controlRow = control is null ? null : byCell.GetValueOrDefault(control) ?? empty(control);
        var result = new List<CohortFigures>();
        foreach (var d in design)
        {
            var row = byCell.GetValueOrDefault(d.Cell) ?? empty(d.Cell);
            var compare = !d.IsControl && controlRow is not null;
            var repeat = RepeatDays.Select(days =>
            {
                var (matured, repeaters) = Repeat(row, days);
                var lift = compare ? LiftCalculator.Rates(Moments.Rate(Repeat(controlRow!, days).Matured, Repeat(controlRow!, days).Repeaters), Moments.Rate(matured, repeaters), query) : null;
                return new RepeatFigure(days, matured, repeaters, Figures.Proportion(repeaters, matured, query.Confidence), lift);
            }).ToList();

            var clv = new Moments(row.ClvCount, row.ClvSum, row.ClvSq);
            Estimate? cpa = null, ltvToCac = null;
            if (money.TryGetValue(d.Cell, out var m))
            {
                cpa = m.CostPerIncrementalAcquisition;
                ltvToCac = LtvToCac(row, m, clv);
            }

            result.Add(new CohortFigures(
                d.Cell, row.Acquired, row.WithFirstPurchase, repeat, row.Scored,
                Figures.Proportion(row.DealSeekers, row.Scored, query.Confidence),
                compare ? LiftCalculator.Rates(Moments.Rate(controlRow!.Scored, controlRow.DealSeekers), Moments.Rate(row.Scored, row.DealSeekers), query) : null,
                Figures.Mean(clv, query.Confidence),
                compare ? LiftCalculator.Means(new Moments(controlRow!.ClvCount, controlRow.ClvSum, controlRow.ClvSq), clv, query) : null,
                cpa, ltvToCac));
        }

        return new AcquisitionQuality(now, result,
            "The acquired are a cell's converters; repeat purchase = a further non-return purchase within N days of the first purchase in the window, " +
            "among those whose first purchase is at least N days old (matured); deal seekers and CLV from the latest scores (among those scored); " +
            "control's cohort is its organic converters, compared with the z-test (rates) and Welch's t-test (CLV). LTV/CAC = mean CLV of the scored acquired " +
            "× incremental conversions / the cell's total cost, its interval from that of the incremental conversions (CLV and cost taken as fixed).");
    }

    private static (long Matured, long Repeaters) Repeat(CohortRow row, int days) => days switch
    {
        30 => (row.Matured30, row.Repeat30),
        90 => (row.Matured90, row.Repeat90),
        _ => (row.Matured180, row.Repeat180),
    };

    private static Estimate? LtvToCac(CohortRow row, CellMoney money, Moments clv)
    {
        const string Method = "mean CLV of the scored acquired × incremental conversions / total cost (interval from the incremental conversions' interval; CLV and cost as fixed)";
        var cost = money.Costs.Total;
        if (row.ClvCount == 0 || cost <= 0 || money.IncrementalConversions.Value is not { } increment)
        {
            return new Estimate(null, null, Method + "; undefined without scored CLV or cost");
        }

        var factor = clv.Mean / cost;
        var interval = money.IncrementalConversions.Interval;
        IntervalView? scaled = interval is null ? null : new IntervalView(interval.Lower * factor, interval.Upper * factor);
        if (factor < 0 && scaled is not null)
        {
            scaled = new IntervalView(scaled.Upper, scaled.Lower);
        }

        return new Estimate(increment * factor, scaled, Method);
    }

    private static RetentionQuality Retention(
        CampaignRow campaign, IReadOnlyList<CellDesignRow> design, IReadOnlyDictionary<string, StatsTotals> cells, string? control,
        DateTimeOffset now, ResultsQuery query)
    {
        var controlTotals = control is not null && cells.TryGetValue(control, out var c) ? c : null;
        var rows = design.Select(d =>
        {
            var t = cells.GetValueOrDefault(d.Cell);
            long members = t?.Members ?? 0, active = t?.ActiveAfter90 ?? 0;
            var lift = !d.IsControl && controlTotals is not null && t is not null ? LiftCalculator.Rates(controlTotals.Active, t.Active, query) : null;
            return new RetentionCell(d.Cell, members, active, Figures.Proportion(active, members, query.Confidence), lift);
        }).ToList();
        var matured = (campaign.LastWaveStartsAt ?? campaign.LaunchedAt).AddDays(90) <= now;
        return new RetentionQuality(matured, rows,
            "share of assigned members with a non-return purchase at or after window start + 90 days (Wilson interval), against control by the two-proportion z-test; " +
            "members whose window started less than 90 days ago cannot count yet (see matured)");
    }
}

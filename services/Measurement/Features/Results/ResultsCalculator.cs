namespace Measurement.Features.Results;

/// <summary>A campaign's results from its statistics: pure, no I/O.</summary>
public static class ResultsCalculator
{
    public static CampaignResults Compute(ResultsInput input, ResultsQuery query)
    {
        var design = input.Cells.OrderBy(c => c.IsControl ? 0 : 1).ThenBy(c => c.Cell, StringComparer.Ordinal).ToList();
        var designed = design.Select(d => d.Cell).ToHashSet(StringComparer.Ordinal);
        var rowsByCell = input.Stats.GroupBy(r => r.Cell, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<CellStatsRow>)g.ToList(), StringComparer.Ordinal);
        var totals = rowsByCell.ToDictionary(p => p.Key, p => StatsTotals.Of(p.Value), StringComparer.Ordinal);

        // Cells found in the statistics but not in the design (should not happen) are shown, never compared.
        var shown = design.Select(d => d.Cell)
            .Concat(rowsByCell.Keys.Where(c => !designed.Contains(c) && c != HealthCalculator.GlobalControlCell).Order(StringComparer.Ordinal))
            .ToList();
        var controlCell = design.FirstOrDefault(d => d.IsControl)?.Cell;
        var controlRows = controlCell is null ? null : rowsByCell.GetValueOrDefault(controlCell);
        var cells = shown.Select(c =>
        {
            var cellDesign = design.FirstOrDefault(d => d.Cell == c);
            return Cell(c, cellDesign, rowsByCell, cellDesign is { IsControl: false } ? controlRows : null, input, query);
        }).ToList();
        var global = rowsByCell.ContainsKey(HealthCalculator.GlobalControlCell) || input.Steps.Any(s => s.Cell == HealthCalculator.GlobalControlCell)
            ? Cell(HealthCalculator.GlobalControlCell, null, rowsByCell, null, input, query)
            : null;

        var notes = new List<string>
        {
            "Intent to treat: every assigned member counts in its cell, contacted or not, responder or not; control members are measured from their wave's start.",
            "Rates carry Wilson intervals; lifts use the two-proportion z-test (rates) and Welch's t-test (money per customer); relative lifts the delta method on the log of the ratio; p-values are also Holm-adjusted across the campaign's cells per metric.",
            "CUPED figures use the member's net revenue in the 365 days before launch as covariate (θ from both arms pooled) and stand beside the unadjusted ones.",
            "Sequential (always-valid) intervals may be looked at every day; the fixed-horizon intervals only once, at the planned end.",
            "Intervals with an unbounded or undefined end show it as null.",
        };

        var lifts = new List<CellLift>();
        var money = new List<CellMoney>();
        var controlDesign = design.FirstOrDefault(d => d.IsControl);
        StatsTotals? control = controlDesign is not null ? totals.GetValueOrDefault(controlDesign.Cell) : null;
        WinsorizedRow? controlWinsorized = controlDesign is not null ? input.Winsorized?.FirstOrDefault(w => w.Cell == controlDesign.Cell) : null;
        if (control is null)
        {
            notes.Add("No control members yet: nothing is compared.");
        }
        else
        {
            foreach (var d in design.Where(d => !d.IsControl))
            {
                var treated = totals.GetValueOrDefault(d.Cell) ?? StatsTotals.Of([]);
                var metrics = new List<MetricLift>
                {
                    LiftCalculator.Compare(LiftCalculator.ResponseRate, control.Response, treated.Response, true, query),
                    LiftCalculator.Compare(LiftCalculator.ConversionRate, control.Conversion, treated.Conversion, true, query),
                    LiftCalculator.Compare(LiftCalculator.RevenuePerCustomer, control.Revenue, treated.Revenue, false, query),
                    LiftCalculator.Compare(LiftCalculator.MarginPerCustomer, control.Margin, treated.Margin, false, query),
                };
                if (input.Winsorized is not null)
                {
                    var w = input.Winsorized.FirstOrDefault(r => r.Cell == d.Cell);
                    metrics.Add(controlWinsorized is null || w is null
                        ? new MetricLift(LiftCalculator.RevenuePerCustomerWinsorized, null, null, "needs members in both the cell and control")
                        : LiftCalculator.Compare(LiftCalculator.RevenuePerCustomerWinsorized, Moments(controlWinsorized), Moments(w), false, query));
                }

                lifts.Add(new CellLift(d.Cell, metrics));
                if (MoneyCalculator.Compute(d.Cell, treated, control, query) is { } m)
                {
                    money.Add(m);
                }
            }
        }

        double? cap = input.Winsorized is { Count: > 0 } rows ? rows[0].Cap : null;
        string? winsorizeMethod = null;
        if (query.Winsorize is { } p)
        {
            winsorizeMethod = $"revenue per member capped above at the {p:0.####} percentile (percentile_cont) of all the campaign's members' window revenue, " +
                "global control included; computed at request time from the top tail of the campaign's members (a bounded sort) " +
                "subtracted from the maintained statistics";
            notes.Add("Winsorized revenue (metric revenuePerCustomerWinsorized): " + winsorizeMethod + ".");
        }

        var moneyByCell = money.ToDictionary(m => m.Cell, StringComparer.Ordinal);
        return new CampaignResults(
            input.Campaign.Header,
            new ResultsSettings(query.Confidence, query.SequentialTuning, ResultsQuery.Power, query.Winsorize, cap, winsorizeMethod),
            input.Now,
            cells,
            global,
            LiftCalculator.WithHolm(lifts),
            money,
            HealthCalculator.Compute(design, totals, input.Steps, query),
            QualityCalculator.Compute(input.Campaign, design, totals, input.Cohorts, moneyByCell, input.Now, query),
            notes);
    }

    private static Platform.Numerics.Statistics.Moments Moments(WinsorizedRow w) =>
        new(w.Members, w.Sum, w.SumOfSquares, w.CovariateSum, w.CovariateSumOfSquares, w.CrossProducts);

    private static CellFigures Cell(
        string cell, CellDesignRow? design, Dictionary<string, IReadOnlyList<CellStatsRow>> rows, IReadOnlyList<CellStatsRow>? controlRows, ResultsInput input, ResultsQuery query) =>
        CellCalculator.Compute(cell, design, rows.GetValueOrDefault(cell) ?? [], controlRows,
            input.Steps.Where(s => s.Cell == cell).ToList(), input.StepResponders.Where(s => s.Cell == cell).ToList(), query);
}

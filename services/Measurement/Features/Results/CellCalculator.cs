using System.Globalization;

namespace Measurement.Features.Results;

/// <summary>One cell's own figures (no comparison): counts, rates, money per assigned and per contacted member, breakdowns.</summary>
public static class CellCalculator
{
    public const string ContactedLabel =
        "Per contacted member, for reference only: who could be contacted is not random, so these figures are not comparable with control; compare the per-assigned (intent-to-treat) figures.";

    /// <summary>
    /// The cell's figures; <paramref name="controlRows"/> (null for control itself and for cells never compared) gives the
    /// breakdowns' lifts against control's members of the same wave or tier.
    /// </summary>
    public static CellFigures Compute(
        string cell, CellDesignRow? design, IReadOnlyList<CellStatsRow> rows, IReadOnlyList<CellStatsRow>? controlRows, IReadOnlyList<StepStatsRow> steps,
        IReadOnlyList<StepResponderRow> stepResponders, ResultsQuery query)
    {
        var confidence = query.Confidence;
        var all = StatsTotals.Of(rows);
        var contacted = StatsTotals.Of(rows.Where(r => r.Contacted));
        return new CellFigures(
            cell,
            design?.IsControl ?? false,
            design?.Share,
            design?.OfferCode,
            all.Members,
            all.Contacted,
            all.Reached,
            all.Responders,
            all.Converters,
            all.Redeemers,
            all.Orders,
            Figures.Proportion(all.Reached, all.Members, confidence),
            Figures.Proportion(all.Responders, all.Members, confidence),
            Figures.Proportion(all.Converters, all.Members, confidence),
            Money(all, confidence),
            contacted.Members == 0
                ? null
                : new ContactedView(ContactedLabel, contacted.Members,
                    Figures.Proportion(contacted.Responders, contacted.Members, confidence),
                    Figures.Proportion(contacted.Converters, contacted.Members, confidence),
                    Money(contacted, confidence)),
            all.Costs,
            rows.GroupBy(r => r.Wave).OrderBy(g => g.Key)
                .Select(g => Breakdown(g.Key.ToString(CultureInfo.InvariantCulture), g, controlRows?.Where(r => r.Wave == g.Key), query)).ToList(),
            rows.GroupBy(r => r.ValueTier, StringComparer.Ordinal).OrderBy(g => TierOrder(g.Key))
                .Select(g => Breakdown(g.Key, g, controlRows?.Where(r => r.ValueTier == g.Key), query)).ToList(),
            Steps(steps, stepResponders, confidence));
    }

    private static MoneyView Money(StatsTotals t, double confidence) =>
        new(Figures.Mean(t.Revenue, confidence), Figures.Mean(t.Margin, confidence), Figures.Mean(t.Profit, confidence));

    private static BreakdownRow Breakdown(string key, IEnumerable<CellStatsRow> rows, IEnumerable<CellStatsRow>? controlRows, ResultsQuery query)
    {
        var t = StatsTotals.Of(rows);
        var c = controlRows is null ? null : StatsTotals.Of(controlRows);
        var confidence = query.Confidence;
        return new BreakdownRow(key, t.Members, t.Contacted, t.Responders, t.Converters,
            Figures.Proportion(t.Responders, t.Members, confidence), Figures.Proportion(t.Converters, t.Members, confidence),
            Figures.Mean(t.Revenue, confidence), Figures.Mean(t.Margin, confidence),
            c is null ? null : LiftCalculator.Rates(c.Conversion, t.Conversion, query),
            c is null ? null : LiftCalculator.Means(c.Revenue, t.Revenue, query));
    }

    private static int TierOrder(string tier) => tier switch { "top" => 0, "middle" => 1, "bottom" => 2, "" => 4, _ => 3 };

    private static List<StepFigures> Steps(IReadOnlyList<StepStatsRow> steps, IReadOnlyList<StepResponderRow> responders, double confidence)
    {
        var numbers = steps.Select(s => s.Step).Concat(responders.Select(r => r.Step)).Distinct().Order();
        var result = new List<StepFigures>();
        foreach (var number in numbers)
        {
            var rows = steps.Where(s => s.Step == number).ToList();
            var made = rows.Where(r => r.Made).ToList();
            var contacted = made.Sum(r => r.Contacts);
            var responding = responders.Where(r => r.Step == number).Sum(r => r.Responders);
            result.Add(new StepFigures(
                number,
                contacted,
                rows.Where(r => r.Status == "dispatched").Sum(r => r.Contacts),
                rows.Where(r => r.Status == "exported").Sum(r => r.Contacts),
                rows.Where(r => !r.Made).Sum(r => r.Contacts),
                rows.Where(r => !r.Made).GroupBy(r => r.BlockReason, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Sum(r => r.Contacts), StringComparer.Ordinal),
                made.GroupBy(r => r.Channel, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ChannelFigures(g.Key, g.Sum(r => r.Contacts), g.Sum(r => r.CostSum))).ToList(),
                rows.Sum(r => r.CostSum),
                responding,
                Figures.Proportion(responding, contacted, confidence)));
        }

        return result;
    }
}

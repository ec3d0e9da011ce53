namespace Measurement.Features.Results;

/// <summary>One campaign of a side-by-side comparison: its header, its cells' headlines and its health flags.</summary>
public sealed record CampaignHeadline(
    CampaignHeader Campaign, IReadOnlyList<CellHeadline> Cells, bool SampleRatioMismatch, double? SampleRatioPValue, bool ControlContacted)
{
    public static CampaignHeadline Of(CampaignResults results) => new(
        results.Campaign,
        results.Lifts.Select(l => new CellHeadline(
            l.Cell,
            l.Metrics.FirstOrDefault(m => m.Metric == LiftCalculator.ResponseRate)?.Unadjusted,
            l.Metrics.FirstOrDefault(m => m.Metric == LiftCalculator.ConversionRate)?.Unadjusted,
            l.Metrics.FirstOrDefault(m => m.Metric == LiftCalculator.RevenuePerCustomer)?.Unadjusted,
            results.Money.FirstOrDefault(m => m.Cell == l.Cell)?.IncrementalProfit,
            results.Money.FirstOrDefault(m => m.Cell == l.Cell)?.Roi)).ToList(),
        results.Health.SampleRatio.Mismatch,
        results.Health.SampleRatio.PValue,
        results.Health.ControlContacts.Flagged);
}

using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>The platform-wide comparison from the two rows of <c>global_control_stats</c>: pure.</summary>
public static class GlobalControlCalculator
{
    public static GlobalControlResults Compute(IReadOnlyList<GlobalControlRow> rows, ResultsQuery query, DateTimeOffset now)
    {
        var targeted = rows.FirstOrDefault(r => !r.GlobalControl) ?? Empty(false);
        var held = rows.FirstOrDefault(r => r.GlobalControl) ?? Empty(true);
        var buyers = LiftCalculator.Compare("buyerRate", held.Buyer, targeted.Buyer, true, query);
        var revenue = LiftCalculator.Compare(LiftCalculator.RevenuePerCustomer, held.Revenue, targeted.Revenue, false, query);
        Estimate? incremental = null;
        if (revenue.Unadjusted is not null)
        {
            var lift = Comparisons.Means(held.Revenue, targeted.Revenue, query.LiftOptions with { SequentialTuning = null });
            incremental = Figures.Scaled(lift, targeted.Customers, "revenue-per-customer difference (" + lift.Method + ") × targeted customers outside the global control");
        }

        return new GlobalControlResults(
            now,
            new ResultsSettings(query.Confidence, query.SequentialTuning, ResultsQuery.Power, null, null, null),
            Group(targeted, query.Confidence),
            Group(held, query.Confidence),
            buyers,
            revenue,
            incremental,
            [
                "Every customer targeted by at least one campaign counts once, on the side of the global-control flag of their first assignment; outcomes count since first targeted.",
                "Buyer rate: two-proportion z-test; revenue per customer: Welch's t-test; relative lifts by the delta method on the log of the ratio; CUPED with net revenue in the 365 days before first targeting as covariate.",
            ]);
    }

    private static GlobalControlGroup Group(GlobalControlRow row, double confidence) => new(
        row.Customers, row.Buyers, Figures.Proportion(row.Buyers, row.Customers, confidence),
        Figures.Mean(row.Revenue, confidence), Figures.Mean(new Moments(row.Customers, row.XSum, row.XSq), confidence));

    private static GlobalControlRow Empty(bool globalControl) => new(globalControl, 0, 0, 0, 0, 0, 0, 0, 0);
}

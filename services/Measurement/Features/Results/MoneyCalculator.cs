using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>
/// A treated cell's money against control. Increments are (treated mean − control mean) × the cell's assigned members,
/// their intervals the interval of the difference times the same count. Incremental profit compares the cell's profit
/// (margin − contact and offer costs) with control's margin (control is not contacted and costs nothing), as ROI does.
/// </summary>
public static class MoneyCalculator
{
    private const string Scale = " × the cell's assigned members";

    /// <summary>The cell's money figures; null when either arm has fewer than two members.</summary>
    public static CellMoney? Compute(string cell, StatsTotals treated, StatsTotals control, ResultsQuery query)
    {
        if (treated.Members < 2 || control.Members < 2)
        {
            return null;
        }

        var options = query.LiftOptions with { SequentialTuning = null };
        double n = treated.Members;
        var responses = Comparisons.Rates(control.Response, treated.Response, options);
        var conversions = Comparisons.Rates(control.Conversion, treated.Conversion, options);
        var revenue = Comparisons.Means(control.Revenue, treated.Revenue, options);
        var margin = Comparisons.Means(control.Margin, treated.Margin, options);
        var profit = Comparisons.Means(control.Margin, treated.Profit, options);
        var totalCost = treated.ContactCost + treated.OfferCost;

        var incrementalResponders = Figures.Scaled(responses, n, "response-rate difference (" + responses.Method + ")" + Scale);
        var incrementalConversions = Figures.Scaled(conversions, n, "conversion-rate difference (" + conversions.Method + ")" + Scale);
        Estimate? revenueCuped = null;
        if (LiftCalculator.Compare(LiftCalculator.RevenuePerCustomer, control.Revenue, treated.Revenue, false, query).Cuped is not null)
        {
            var cuped = Comparisons.Cuped(control.Revenue, treated.Revenue, false, options);
            revenueCuped = Figures.Scaled(cuped, n, "CUPED-adjusted revenue-per-customer difference (" + cuped.Method + ")" + Scale);
        }

        var roi = Ratios.ReturnOnInvestment(treated.Profit, treated.Cost, treated.ProfitCost, control.Margin, query.Confidence);
        return new CellMoney(
            cell,
            treated.Members,
            treated.Costs,
            incrementalResponders,
            incrementalConversions,
            Figures.Scaled(revenue, n, "revenue-per-customer difference (" + revenue.Method + ")" + Scale),
            revenueCuped,
            Figures.Scaled(margin, n, "margin-per-customer difference (" + margin.Method + ")" + Scale),
            Figures.Scaled(profit, n, "cell's profit per customer (margin − contact and offer costs) − control's margin per customer (" + profit.Method + ")" + Scale),
            roi is null
                ? new Estimate(null, null, "ROI undefined: the cell cost nothing")
                : new Estimate(Finite(roi.Estimate), IntervalView.From(roi.Interval), roi.Method),
            Ratio(Ratios.CostPerIncrement(totalCost, incrementalResponders.Value ?? double.NaN, responses.AbsoluteInterval.Scale(n))),
            Ratio(Ratios.CostPerIncrement(totalCost, incrementalConversions.Value ?? double.NaN, conversions.AbsoluteInterval.Scale(n))));
    }

    private static Estimate Ratio(RatioEstimate ratio) => new(Finite(ratio.Estimate), IntervalView.From(ratio.Interval), ratio.Method);

    private static double? Finite(double? value) => value is { } v ? IntervalView.Finite(v) : null;
}

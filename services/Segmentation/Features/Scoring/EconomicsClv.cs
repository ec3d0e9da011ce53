using Platform.ServiceDefaults;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Inputs of the economics (spreadsheet) lifetime value: how a business's customers behave and what they cost, per year.
/// Orders per year and average order size are taken from the data when not given.
/// </summary>
public sealed record EconomicsInputs
{
    /// <summary>Share of customers active in one year who are still active the next.</summary>
    public double RetentionRate { get; init; } = 0.6;

    /// <summary>New customers each active customer brings per year (their value is credited to the referrer).</summary>
    public double ReferralRate { get; init; } = 0.05;

    /// <summary>Cost of acquiring one customer (spent once, at the start).</summary>
    public double AcquisitionCost { get; init; } = 40;

    /// <summary>Marketing cost per active customer per year.</summary>
    public double MarketingCostPerYear { get; init; } = 10;

    /// <summary>Cost of products and service as a share of revenue; null = 1 − the customer's margin rate.</summary>
    public double? ProductCostRate { get; init; }

    /// <summary>Orders per active customer per year; null = from each customer's history.</summary>
    public double? OrdersPerYear { get; init; }

    /// <summary>Average order size (net); null = from each customer's history.</summary>
    public double? AverageOrderSize { get; init; }

    /// <summary>Years counted.</summary>
    public int HorizonYears { get; init; } = 3;

    /// <summary>Adds an error for each out-of-range value.</summary>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ScoringSettings.Share(errors, "retentionRate", RetentionRate, allowZero: true);
        ScoringSettings.Rate(errors, "referralRate", ReferralRate);
        NonNegative(errors, "acquisitionCost", AcquisitionCost);
        NonNegative(errors, "marketingCostPerYear", MarketingCostPerYear);
        if (ProductCostRate is { } rate)
        {
            ScoringSettings.Share(errors, "productCostRate", rate, allowZero: true);
        }

        if (OrdersPerYear is { } orders)
        {
            NonNegative(errors, "ordersPerYear", orders);
        }

        if (AverageOrderSize is { } size)
        {
            NonNegative(errors, "averageOrderSize", size);
        }

        if (HorizonYears is < 1 or > 50)
        {
            errors.Add("horizonYears", "must be between 1 and 50");
        }
    }

    private static void NonNegative(ValidationErrors errors, string field, double value)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            errors.Add(field, "must be zero or more");
        }
    }
}

/// <summary>One year of the economics lifetime-value table, per customer acquired.</summary>
public sealed record EconomicsYear(
    int Year,
    double ActiveShare,
    double Revenue,
    double ProductCost,
    double MarketingCost,
    double Profit,
    double DiscountFactor,
    double DiscountedProfit,
    double CumulativeDiscountedProfit);

/// <summary>The economics lifetime value and the table it comes from.</summary>
public sealed record EconomicsClvResult(EconomicsInputs Inputs, double AnnualDiscountRate, IReadOnlyList<EconomicsYear> Years, double LifetimeValue, double LifetimeValueAfterAcquisition);

/// <summary>
/// The classic database-marketing lifetime value (Hughes' table): of the customers acquired, a share
/// <c>retention^(t−1)</c> is active in year t; each active customer orders <c>ordersPerYear × averageOrderSize</c>,
/// costs the product-cost share of that plus the yearly marketing cost, and brings <c>referralRate</c> new customers
/// whose first-year profit is credited to them. Profits are discounted at <c>(1 + d)^t</c> (end of year t) and summed
/// over the horizon; the acquisition cost is subtracted once.
/// </summary>
public static class EconomicsClv
{
    /// <summary>The table and value for one customer (or an average one) with the given order behaviour.</summary>
    public static EconomicsClvResult Compute(EconomicsInputs inputs, double annualDiscountRate, double ordersPerYear, double averageOrderSize, double productCostRate)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var years = new List<EconomicsYear>(inputs.HorizonYears);
        var cumulative = 0.0;
        for (var t = 1; t <= inputs.HorizonYears; t++)
        {
            var active = Math.Pow(inputs.RetentionRate, t - 1);
            var revenue = active * ordersPerYear * averageOrderSize * (1 + inputs.ReferralRate);
            var productCost = revenue * productCostRate;
            var marketing = active * inputs.MarketingCostPerYear;
            var profit = revenue - productCost - marketing;
            var discount = Math.Pow(1 + annualDiscountRate, t);
            cumulative += profit / discount;
            years.Add(new EconomicsYear(t, active, revenue, productCost, marketing, profit, discount, profit / discount, cumulative));
        }

        return new EconomicsClvResult(inputs, annualDiscountRate, years, cumulative, cumulative - inputs.AcquisitionCost);
    }

    /// <summary>
    /// Σ retention^(t−1) / (1+d)^t over the horizon: per-customer value = (yearly contribution × (1 + referral) −
    /// marketing) × this factor. Scoring runs use it to value a million customers in one SQL expression.
    /// </summary>
    public static double YearFactor(EconomicsInputs inputs, double annualDiscountRate)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var factor = 0.0;
        for (var t = 1; t <= inputs.HorizonYears; t++)
        {
            factor += Math.Pow(inputs.RetentionRate, t - 1) / Math.Pow(1 + annualDiscountRate, t);
        }

        return factor;
    }
}

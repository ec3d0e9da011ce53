namespace Segmentation.Features.Scoring;

/// <summary>What scoring needs to know of one customer with a profile (purchase fields null without purchases).</summary>
public readonly record struct CustomerFacts(
    Guid CustomerId,
    int OrdersCount,
    decimal? NetRevenue,
    decimal? Margin,
    double? DiscountedShare,
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    double? ProbabilityAlive = null,
    double? ExpectedPurchases = null,
    double? ExpectedSpend = null,
    double? ClvRevenue = null)
{
    /// <summary>Bought at least once (returns alone do not count).</summary>
    public bool IsBuyer => OrdersCount > 0;
}

/// <summary>One customer's scores (see <see cref="ScoreCalculator"/> for the rules).</summary>
public readonly record struct CustomerScore(
    Guid CustomerId,
    short? RecencyScore,
    short? FrequencyScore,
    short? MonetaryScore,
    decimal? Value,
    string? ValueTier,
    double? DiscountedShare,
    bool DealSeeker,
    double? ProbabilityAlive,
    double? ExpectedPurchases,
    double? ExpectedSpend,
    double? Clv,
    double? ClvEconomics,
    string? ChurnRisk)
{
    /// <summary>The three quintiles as one cell, e.g. "545"; null without purchases.</summary>
    public string? RfmCell => RecencyScore is { } r && FrequencyScore is { } f && MonetaryScore is { } m ? $"{r}{f}{m}" : null;
}

/// <summary>
/// The scoring rules, over all customers at once (quintiles and tiers are relative), with no I/O:
/// <list type="bullet">
/// <item>RFM among buyers: score = 1 + ⌊5 × percent_rank⌋ (capped at 5) of last purchase, orders and net revenue,
/// percent_rank = (rank − 1) / (buyers − 1) with rank the position of the first of a tie group, so ties share the
/// lowest quintile their group reaches and the result does not depend on input order.</item>
/// <item>Value tiers among customers with a value: cume_dist by value, highest first (= position of the last of the
/// tie group / count); ≤ top share → top, ≤ top + middle share → middle, else bottom; a tie group straddling a
/// boundary falls entirely into the lower tier.</item>
/// <item>Deal seeker: at least the minimum orders and a discounted share at least the threshold.</item>
/// <item>Model CLV = discounted expected revenue × the customer's margin rate (margin / net revenue, at least 0, or
/// the default rate without positive revenue); churn risk from P(alive).</item>
/// <item>Economics CLV: (orders per year × average order × (1 + referral) × (1 − product cost rate) − marketing cost)
/// × <see cref="EconomicsClv.YearFactor"/>; orders per year over the customer's tenure, at least one year.</item>
/// </list>
/// </summary>
public static class ScoreCalculator
{
    private const double SecondsPerYear = 31_557_600; // 365.25 days

    /// <summary>Scores every customer of <paramref name="customers"/> (any order; the output is in the same order).</summary>
    public static CustomerScore[] Score(IReadOnlyList<CustomerFacts> customers, ScoringSettings settings, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(settings);
        var n = customers.Count;
        var buyers = Enumerable.Range(0, n).Where(i => customers[i].IsBuyer).ToArray();
        var recency = PercentRankQuintiles(buyers, i => customers[i].LastPurchaseAt!.Value.UtcTicks, n);
        var frequency = PercentRankQuintiles(buyers, i => customers[i].OrdersCount, n);
        var monetary = PercentRankQuintiles(buyers, i => customers[i].NetRevenue ?? 0m, n);

        var clv = new double?[n];
        var value = new decimal?[n];
        for (var i = 0; i < n; i++)
        {
            var c = customers[i];
            clv[i] = c.ClvRevenue is { } revenue ? revenue * MarginRate(c, settings.DefaultMarginRate) : null;
            value[i] = settings.ValueMeasure switch
            {
                "net_revenue" => c.NetRevenue,
                "margin" => c.NetRevenue is null ? null : c.Margin,
                _ => clv[i] is { } v && double.IsFinite(v) ? (decimal)v : null,
            };
        }

        var tiers = Tiers(value, settings);
        var yearFactor = EconomicsClv.YearFactor(settings.Economics, settings.AnnualDiscountRate);
        var scores = new CustomerScore[n];
        for (var i = 0; i < n; i++)
        {
            var c = customers[i];
            scores[i] = new CustomerScore(
                c.CustomerId,
                recency[i],
                frequency[i],
                monetary[i],
                value[i],
                tiers[i],
                c.DiscountedShare,
                c.OrdersCount >= settings.DealSeekerMinOrders && c.DiscountedShare >= settings.DealSeekerMinDiscountedShare,
                c.ProbabilityAlive,
                c.ExpectedPurchases,
                c.ExpectedSpend,
                clv[i],
                c.IsBuyer ? EconomicsValue(c, settings, yearFactor, asOf) : null,
                ChurnRisk(c.ProbabilityAlive, settings));
        }

        return scores;
    }

    /// <summary>The customer's margin rate: margin / net revenue (at least 0), or <paramref name="defaultRate"/> without positive revenue.</summary>
    public static double MarginRate(CustomerFacts customer, double defaultRate) =>
        customer.NetRevenue is > 0 && customer.Margin is { } margin ? Math.Max((double)(margin / customer.NetRevenue.Value), 0) : defaultRate;

    /// <summary><c>high</c> below the high threshold, <c>medium</c> below the medium one, else <c>low</c>; null without P(alive).</summary>
    public static string? ChurnRisk(double? probabilityAlive, ScoringSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return probabilityAlive switch
        {
            null => null,
            { } p when p < settings.HighChurnRiskBelow => "high",
            { } p when p < settings.MediumChurnRiskBelow => "medium",
            _ => "low",
        };
    }

    private static double? EconomicsValue(CustomerFacts c, ScoringSettings settings, double yearFactor, DateTimeOffset asOf)
    {
        var e = settings.Economics;
        var net = (double)(c.NetRevenue ?? 0m);
        var tenureYears = c.FirstPurchaseAt is { } first ? (asOf - first).TotalSeconds / SecondsPerYear : 0;
        var ordersPerYear = e.OrdersPerYear ?? c.OrdersCount / Math.Max(tenureYears, 1);
        var averageOrder = e.AverageOrderSize ?? net / c.OrdersCount;
        var productCost = e.ProductCostRate ?? 1 - (net > 0 && c.Margin is { } m ? (double)m / net : settings.DefaultMarginRate);
        return ((ordersPerYear * averageOrder * (1 + e.ReferralRate) * (1 - productCost)) - e.MarketingCostPerYear) * yearFactor;
    }

    /// <summary>1 + ⌊5 × percent_rank⌋ per buyer (null for the others), ties sharing the rank of their group's first.</summary>
    private static short?[] PercentRankQuintiles<TKey>(int[] buyers, Func<int, TKey> key, int n)
        where TKey : IComparable<TKey>
    {
        var result = new short?[n];
        var keys = buyers.Select(key).ToArray();
        var order = (int[])buyers.Clone();
        Array.Sort(keys, order);
        var count = order.Length;
        var groupStart = 0;
        for (var position = 0; position < count; position++)
        {
            if (position > 0 && keys[position].CompareTo(keys[position - 1]) != 0)
            {
                groupStart = position;
            }

            var percentRank = count > 1 ? (double)groupStart / (count - 1) : 0;
            result[order[position]] = (short)Math.Min(5, 1 + (int)Math.Floor(5 * percentRank));
        }

        return result;
    }

    /// <summary>Tiers by cume_dist of value, highest first (ties take the position of their group's last).</summary>
    private static string?[] Tiers(decimal?[] value, ScoringSettings settings)
    {
        var tiers = new string?[value.Length];
        var valued = Enumerable.Range(0, value.Length).Where(i => value[i] is not null).ToArray();
        var keys = valued.Select(i => -value[i]!.Value).ToArray(); // ascending of the negation = highest first
        Array.Sort(keys, valued);
        var count = valued.Length;
        var position = 0;
        while (position < count)
        {
            var end = position;
            while (end + 1 < count && keys[end + 1] == keys[position])
            {
                end++;
            }

            var cumeDist = (double)(end + 1) / count;
            var tier = cumeDist <= settings.TopTierShare ? "top"
                : cumeDist <= settings.TopTierShare + settings.MiddleTierShare ? "middle"
                : "bottom";
            for (var p = position; p <= end; p++)
            {
                tiers[valued[p]] = tier;
            }

            position = end + 1;
        }

        return tiers;
    }
}

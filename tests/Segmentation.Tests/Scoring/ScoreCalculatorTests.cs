using Segmentation.Features.Scoring;

namespace Segmentation.Tests.Scoring;

public sealed class ScoreCalculatorTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ScoringSettings Defaults = new();

    private static CustomerFacts Buyer(int orders, decimal net, int daysAgo = 10, double discounted = 0, decimal? margin = null, double? pAlive = null, double? clvRevenue = null) =>
        new(Guid.NewGuid(), orders, net, margin ?? net * 0.3m, discounted, AsOf.AddDays(-daysAgo - 365), AsOf.AddDays(-daysAgo), pAlive, null, null, clvRevenue);

    [Fact]
    public void Quintiles_TiesShareTheLowestQuintileOfTheirGroup()
    {
        int[] orders = [1, 1, 1, 1, 1, 2, 3, 4, 5, 6];
        var customers = orders.Select((o, i) => Buyer(o, 10 * (i + 1))).ToArray();

        var scores = ScoreCalculator.Score(customers, Defaults, AsOf);

        Assert.Equal([1, 1, 1, 1, 1, 3, 4, 4, 5, 5], scores.Select(s => (int)s.FrequencyScore!.Value));
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], scores.Select(s => (int)s.MonetaryScore!.Value));
    }

    [Fact]
    public void Recency_MoreRecentScoresHigher_AndScoresDoNotDependOnInputOrder()
    {
        var customers = Enumerable.Range(0, 50).Select(i => Buyer(1 + (i % 7), 5 * i, daysAgo: 200 - (3 * i))).ToArray();

        var forward = ScoreCalculator.Score(customers, Defaults, AsOf);
        var backward = ScoreCalculator.Score(customers.Reverse().ToArray(), Defaults, AsOf).Reverse().ToArray();

        Assert.Equal((short)1, forward[0].RecencyScore!.Value);   // longest ago
        Assert.Equal((short)5, forward[^1].RecencyScore!.Value);  // most recent
        Assert.Equal(forward.Select(s => s.RfmCell), backward.Select(s => s.RfmCell));
        Assert.Equal(forward.Select(s => s.ValueTier), backward.Select(s => s.ValueTier));
    }

    [Fact]
    public void Tiers_TopTenMiddleFortyBottomFifty_TieGroupsFallIntoTheLowerTier()
    {
        var customers = Enumerable.Range(1, 20).Select(i => Buyer(1, i * 100)).ToList();
        var scores = ScoreCalculator.Score(customers, Defaults, AsOf);
        Assert.Equal(2, scores.Count(s => s.ValueTier == "top"));
        Assert.Equal(8, scores.Count(s => s.ValueTier == "middle"));
        Assert.Equal(10, scores.Count(s => s.ValueTier == "bottom"));
        Assert.Equal("top", scores[19].ValueTier);

        // Three customers tie at the top of 20: cume_dist 3/20 > 10 %, so all three are middle.
        customers[17] = Buyer(1, 2000);
        customers[18] = Buyer(1, 2000);
        scores = ScoreCalculator.Score(customers, Defaults, AsOf);
        Assert.Equal(0, scores.Count(s => s.ValueTier == "top"));
        Assert.Equal("middle", scores[19].ValueTier);
    }

    [Fact]
    public void Tiers_ShareSettingsAndValueMeasureApply()
    {
        var customers = Enumerable.Range(1, 10).Select(i => Buyer(1, i * 100, margin: (11 - i) * 10m)).ToArray();

        var byMargin = ScoreCalculator.Score(customers, Defaults with { ValueMeasure = "margin", TopTierShare = 0.2 }, AsOf);

        Assert.Equal(["top", "top"], byMargin.Take(2).Select(s => s.ValueTier)); // highest margin = lowest revenue here
        Assert.Equal(100m, byMargin[0].Value);
    }

    [Fact]
    public void Prospects_GetNoScores()
    {
        var prospect = new CustomerFacts(Guid.NewGuid(), 0, null, null, null, null, null);

        var score = Assert.Single(ScoreCalculator.Score([prospect], Defaults, AsOf));

        Assert.Null(score.RfmCell);
        Assert.Null(score.ValueTier);
        Assert.False(score.DealSeeker);
        Assert.Null(score.ClvEconomics);
        Assert.Null(score.ChurnRisk);
    }

    [Fact]
    public void DealSeeker_NeedsMinimumOrdersAndDiscountedShare()
    {
        DealCase[] cases = [new(4, 0.75, true), new(2, 1.0, false), new(5, 0.2, false), new(3, 0.6, true)];

        var scores = ScoreCalculator.Score(cases.Select(c => Buyer(c.Orders, 100, discounted: c.Share)).ToArray(), Defaults, AsOf);

        Assert.Equal(cases.Select(c => c.Expected), scores.Select(s => s.DealSeeker));
        var lenient = ScoreCalculator.Score(cases.Select(c => Buyer(c.Orders, 100, discounted: c.Share)).ToArray(),
            Defaults with { DealSeekerMinOrders = 2, DealSeekerMinDiscountedShare = 0.2 }, AsOf);
        Assert.All(lenient, s => Assert.True(s.DealSeeker));
    }

    [Fact]
    public void ModelClv_IsRevenueTimesTheCustomersMarginRate_AndChurnBandsFollowPAlive()
    {
        var scores = ScoreCalculator.Score(
        [
            Buyer(2, 200, margin: 50, pAlive: 0.1, clvRevenue: 1000),
            Buyer(2, 200, margin: -20, pAlive: 0.5, clvRevenue: 1000),
            Buyer(2, 200, pAlive: 0.9),
        ], Defaults, AsOf);

        Assert.Equal(250, scores[0].Clv!.Value, 9);  // 25 % margin
        Assert.Equal(0, scores[1].Clv!.Value, 9);    // negative margin counts as 0
        Assert.Null(scores[2].Clv);
        Assert.Equal(["high", "medium", "low"], scores.Select(s => s.ChurnRisk));
    }

    [Fact]
    public void EconomicsClv_UsesTheCustomersOrdersPerYearAndAverageOrder()
    {
        // Two years of tenure, 6 orders, 600 revenue, 30 % margin: 3 orders a year of 100.
        var customer = new CustomerFacts(Guid.NewGuid(), 6, 600m, 180m, 0, AsOf.AddDays(-730.5), AsOf.AddDays(-1));
        var settings = Defaults with { Economics = new EconomicsInputs { RetentionRate = 0.5, ReferralRate = 0, MarketingCostPerYear = 10, HorizonYears = 2 }, AnnualDiscountRate = 0 };

        var score = Assert.Single(ScoreCalculator.Score([customer], settings, AsOf));

        // Yearly contribution 3 x 100 x 0.3 - 10 = 80; year factor 1 + 0.5.
        Assert.Equal(120, score.ClvEconomics!.Value, 6);
    }

    private sealed record DealCase(int Orders, double Share, bool Expected);
}

using Demo.Generation;

namespace Demo.Tests;

/// <summary>The generated base matches its documented parameters (within sampling tolerance) and depends only on the seed.</summary>
public sealed class GeneratorTests
{
    private static readonly GeneratorParameters Parameters = GeneratorParameters.Default with { Customers = 20_000, Prospects = 10_000 };
    private static readonly CustomerBase Base = CustomerBaseGenerator.Generate(Parameters);

    [Fact]
    public void SameSeed_GivesTheSameBase_AnotherSeedAnother()
    {
        var again = CustomerBaseGenerator.Generate(Parameters);
        Assert.Equal(Fingerprint(Base), Fingerprint(again));
        Assert.NotEqual(Fingerprint(Base), Fingerprint(CustomerBaseGenerator.Generate(Parameters with { Seed = Parameters.Seed + 1 })));
    }

    [Fact]
    public void TypeShares_AreTheDocumentedOnes()
    {
        foreach (var (type, share) in Parameters.CustomerShares)
        {
            AssertShare(share, Base.Customers.Count(c => c.Type == type), Base.Customers.Count, $"customers {type}");
        }

        foreach (var (type, share) in Parameters.ProspectShares)
        {
            AssertShare(share, Base.Prospects.Count(c => c.Type == type), Base.Prospects.Count, $"prospects {type}");
        }
    }

    [Fact]
    public void PerType_PurchaseRateDropoutAndSpend_MatchTheirDistributions()
    {
        foreach (var (type, behaviour) in Parameters.Types)
        {
            var people = Base.Everyone.Where(c => c.Type == type).ToList();
            // λ ~ Gamma(shape, rate): mean shape/rate, sd √shape/rate; p ~ Beta(a, b).
            AssertMean(behaviour.MeanPurchasesPerWeek, Math.Sqrt(behaviour.PurchaseShape) / behaviour.PurchaseRate, people.Select(c => c.PurchasesPerWeek), $"{type} λ");
            var a = behaviour.DropoutA;
            var b = behaviour.DropoutB;
            AssertMean(behaviour.MeanDropout, Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1))), people.Select(c => c.Dropout), $"{type} p");
            // Mean order p/ν with ν ~ Gamma(q, γ): E = pγ/(q−1); checked on the median-robust side by a wide tolerance (heavy tail).
            var meanOrder = people.Average(c => c.MeanOrderValue);
            Assert.InRange(meanOrder, behaviour.MeanOrderValue * 0.9, behaviour.MeanOrderValue * 1.1);
        }
    }

    [Fact]
    public void Orders_FollowTheCustomersOwnSpendAndDiscountShares_InsideTheHistory()
    {
        foreach (var (type, behaviour) in Parameters.Types)
        {
            var orders = Base.Customers.Where(c => c.Type == type).SelectMany(c => c.Orders).ToList();
            AssertShare(behaviour.DiscountedShare, orders.Count(o => o.Discount > 0), orders.Count, $"{type} discounted orders");
            Assert.All(orders.Where(o => o.Discount > 0), o => Assert.Equal(CustomerBaseGenerator.PromotionCode, o.PromotionCode));
        }

        // Each order's value is a Gamma(p, ν) draw around the customer's own mean.
        var ratio = Base.Customers.SelectMany(c => c.Orders.Select(o => (double)o.Gross / c.MeanOrderValue)).Average();
        Assert.InRange(ratio, 0.97, 1.03);
        Assert.All(Base.Customers.SelectMany(c => c.Orders), o => Assert.InRange(o.Day, -Parameters.HistoryDays, 0));
        Assert.All(Base.Prospects, p => Assert.Empty(p.Orders));
    }

    [Fact]
    public void PurchaseAndDropout_GiveTheExpectedOrdersPerCustomer()
    {
        // BG/NBD: a customer alive at the end has bought at about λ per week since joining (the first order at joining).
        var alive = Base.Customers.Where(c => c.AliveAtEnd && c.JoinedDay < -180).ToList();
        var expected = alive.Average(c => 1 + (c.PurchasesPerWeek * -c.JoinedDay / 7));
        var actual = alive.Average(c => c.Orders.Count);
        Assert.InRange(actual, expected * 0.95, expected * 1.05);

        // The dropout after each order is the customer's p: the share who leave after their first order is E[p].
        var meanDropout = Base.Customers.Average(c => c.Dropout);
        var leftAfterFirst = Base.Customers.Count(c => !c.AliveAtEnd && c.Orders.Count == 1);
        AssertShare(meanDropout, leftAfterFirst, Base.Customers.Count, "left after the first order");
    }

    private static void AssertShare(double expected, int count, int of, string what)
    {
        var se = Math.Sqrt(expected * (1 - expected) / of);
        Assert.True(Math.Abs(((double)count / of) - expected) < (4 * se) + 1e-9, $"{what}: {(double)count / of:0.0000} vs {expected:0.0000} (4 SE = {4 * se:0.0000})");
    }

    private static void AssertMean(double expected, double sd, IEnumerable<double> values, string what)
    {
        var list = values.ToList();
        var se = sd / Math.Sqrt(list.Count);
        Assert.True(Math.Abs(list.Average() - expected) < 4 * se, $"{what}: {list.Average():0.0000} vs {expected:0.0000} (4 SE = {4 * se:0.0000})");
    }

    private static string Fingerprint(CustomerBase b) =>
        string.Join('|', b.Everyone.Take(50).Select(c => $"{c.ExternalId}:{c.Type}:{c.PurchasesPerWeek:R}:{c.Orders.Count}:{c.Orders.Sum(o => o.Gross)}"));
}

using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>1,000 seeded A/A tests (no true difference): the 5% tests reject about 5% of them, within binomial bounds.</summary>
public sealed class AaSimulationTests
{
    private const int Runs = 1_000;

    [Fact]
    public void AaTests_OfRates_RejectAtFivePercent()
    {
        var random = new Random(101);
        var rejected = 0;
        for (var run = 0; run < Runs; run++)
        {
            var lift = Comparisons.Rates(Simulate.Rate(random, 2_000, 0.05), Simulate.Rate(random, 2_000, 0.05));
            rejected += lift.PValue < 0.05 ? 1 : 0;
        }

        AssertWithinBounds(rejected);
    }

    [Fact]
    public void AaTests_OfZeroHeavyRevenue_RejectAtFivePercent()
    {
        // 90% of customers spend nothing; the rest a lognormal amount (a long right tail, as real spend has).
        var random = new Random(102);
        var rejected = 0;
        for (var run = 0; run < Runs; run++)
        {
            var lift = Comparisons.Means(Simulate.Spend(random, 3_000, 0.9, 3.5, 1.0), Simulate.Spend(random, 3_000, 0.9, 3.5, 1.0));
            rejected += lift.PValue < 0.05 ? 1 : 0;
        }

        AssertWithinBounds(rejected);
    }

    [Fact]
    public void AaTests_WithHolmAcrossThreeCells_KeepTheFamilyWiseErrorAtFivePercentOrBelow()
    {
        var random = new Random(103);
        var anyRejected = 0;
        for (var run = 0; run < Runs; run++)
        {
            var control = Simulate.Rate(random, 2_000, 0.05);
            var p = Enumerable.Range(0, 3).Select(_ => Comparisons.Rates(control, Simulate.Rate(random, 2_000, 0.05)).PValue).ToList();
            anyRejected += Holm.Adjust(p).Any(q => q < 0.05) ? 1 : 0;
        }

        // Holm controls the family-wise error at 5% at most (the cells share a control, so it is conservative).
        Assert.True(anyRejected <= Simulate.BinomialBounds(Runs, 0.05).Upper, $"{anyRejected} of {Runs} families had a false positive");
    }

    private static void AssertWithinBounds(int rejected)
    {
        var (lower, upper) = Simulate.BinomialBounds(Runs, 0.05);
        Assert.InRange(rejected, lower, upper);
    }
}

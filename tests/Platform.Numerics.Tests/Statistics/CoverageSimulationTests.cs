using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>95% intervals cover a known true lift 93–97% of the time over 1,000 seeded experiments.</summary>
public sealed class CoverageSimulationTests
{
    private const int Runs = 1_000;

    [Fact]
    public void Intervals_OfRates_CoverTheTrueLift()
    {
        var random = new Random(201);
        int absolute = 0, relative = 0;
        for (var run = 0; run < Runs; run++)
        {
            var lift = Comparisons.Rates(Simulate.Rate(random, 3_000, 0.05), Simulate.Rate(random, 3_000, 0.06));
            absolute += lift.AbsoluteInterval.Contains(0.01) ? 1 : 0;
            relative += lift.RelativeInterval!.Value.Contains(0.2) ? 1 : 0;
        }

        Assert.InRange(absolute, 930, 970);
        Assert.InRange(relative, 930, 970);
    }

    [Fact]
    public void Intervals_OfZeroHeavyRevenue_CoverTheTrueLift()
    {
        var random = new Random(202);
        var control = Simulate.SpendMean(0.9, 3.5, 1.0);
        var treatment = Simulate.SpendMean(0.88, 3.5, 1.0);
        int absolute = 0, relative = 0;
        for (var run = 0; run < Runs; run++)
        {
            var lift = Comparisons.Means(Simulate.Spend(random, 3_000, 0.9, 3.5, 1.0), Simulate.Spend(random, 3_000, 0.88, 3.5, 1.0));
            absolute += lift.AbsoluteInterval.Contains(treatment - control) ? 1 : 0;
            relative += lift.RelativeInterval!.Value.Contains((treatment / control) - 1) ? 1 : 0;
        }

        Assert.InRange(absolute, 930, 970);
        Assert.InRange(relative, 930, 970);
    }
}

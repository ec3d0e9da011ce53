using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>
/// The confidence sequence is time-uniform: over 200 seeded experiments, each looked at 50 times as data arrive, the
/// share of experiments in which ANY look excluded the true lift stays at or below α (with a margin for 200 runs),
/// while the fixed-horizon interval, looked at the same way, misses far more often (the reason the sequence exists).
/// </summary>
public sealed class ConfidenceSequenceSimulationTests
{
    private const int Runs = 200;
    private const int Looks = 50;
    private const int UnitsPerLook = 200;

    [Fact]
    public void ConfidenceSequence_OfRates_CoversAtEveryLook()
    {
        var random = new Random(501);
        int sequentialMisses = 0, fixedMisses = 0;
        for (var run = 0; run < Runs; run++)
        {
            Moments control = default, treatment = default;
            bool sequentialMissed = false, fixedMissed = false;
            for (var look = 0; look < Looks; look++)
            {
                control += Simulate.Rate(random, UnitsPerLook, 0.10);
                treatment += Simulate.Rate(random, UnitsPerLook, 0.11);
                var lift = Comparisons.Rates(control, treatment);
                sequentialMissed |= !lift.SequentialInterval!.Value.Contains(0.01);
                fixedMissed |= !lift.AbsoluteInterval.Contains(0.01);
            }

            sequentialMisses += sequentialMissed ? 1 : 0;
            fixedMisses += fixedMissed ? 1 : 0;
        }

        AssertTimeUniform(sequentialMisses, fixedMisses);
    }

    [Fact]
    public void ConfidenceSequence_OfZeroHeavyRevenue_CoversAtEveryLook()
    {
        var random = new Random(502);
        var truth = Simulate.SpendMean(0.88, 3.5, 1.0) - Simulate.SpendMean(0.9, 3.5, 1.0);
        int sequentialMisses = 0, fixedMisses = 0;
        for (var run = 0; run < Runs; run++)
        {
            Moments control = default, treatment = default;
            bool sequentialMissed = false, fixedMissed = false;
            for (var look = 0; look < Looks; look++)
            {
                control += Simulate.Spend(random, UnitsPerLook, 0.9, 3.5, 1.0);
                treatment += Simulate.Spend(random, UnitsPerLook, 0.88, 3.5, 1.0);
                var lift = Comparisons.Means(control, treatment);
                sequentialMissed |= !lift.SequentialInterval!.Value.Contains(truth);
                fixedMissed |= !lift.AbsoluteInterval.Contains(truth);
            }

            sequentialMisses += sequentialMissed ? 1 : 0;
            fixedMisses += fixedMissed ? 1 : 0;
        }

        AssertTimeUniform(sequentialMisses, fixedMisses);
    }

    [Fact]
    public void SequentialPValue_IsBelowAlpha_ExactlyWhenTheSequenceExcludesZero()
    {
        var random = new Random(503);
        for (var i = 0; i < 200; i++)
        {
            var lift = Comparisons.Rates(Simulate.Rate(random, 5_000, 0.10), Simulate.Rate(random, 5_000, 0.115));
            var excludesZero = !lift.SequentialInterval!.Value.Contains(0);
            Assert.Equal(excludesZero, lift.SequentialPValue < 0.05);
        }
    }

    private static void AssertTimeUniform(int sequentialMisses, int fixedMisses)
    {
        // α = 5% of 200 is 10; the 99.9% binomial bound allows for the noise of 200 runs.
        var (_, upper) = Simulate.BinomialBounds(Runs, 0.05);
        Assert.True(sequentialMisses <= upper, $"the confidence sequence missed in {sequentialMisses} of {Runs} runs (bound {upper})");
        Assert.True(fixedMisses > 2 * upper, $"peeking at the fixed-horizon interval missed in only {fixedMisses} of {Runs} runs");
    }
}

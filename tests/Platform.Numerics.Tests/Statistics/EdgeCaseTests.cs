using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>What the statistics answer at the edges: no units, no spread, no conversions, bad arguments.</summary>
public sealed class EdgeCaseTests
{
    [Fact]
    public void Wilson_WithoutUnits_IsTheWholeRange()
    {
        Assert.Equal(new Interval(0, 1), Wilson.Interval(0, 0));
    }

    [Fact]
    public void Means_WithNoSpreadAndNoDifference_HaveNoEvidence()
    {
        var zeros = new Moments(1_000, 0, 0);

        var lift = Comparisons.Means(zeros, zeros);

        Assert.Equal(0, lift.Absolute);
        Assert.Equal(new Interval(0, 0), lift.AbsoluteInterval);
        Assert.Equal(0, lift.Statistic);
        Assert.Equal(1, lift.PValue);
        Assert.Null(lift.DegreesOfFreedom);
        Assert.Null(lift.Relative);
    }

    [Fact]
    public void Rates_WithoutControlConversions_HaveNoRelativeLift_ButAnAbsoluteOne()
    {
        var lift = Comparisons.Rates(Moments.Rate(1_000, 0), Moments.Rate(1_000, 12));

        Assert.Null(lift.Relative);
        Assert.Null(lift.RelativeInterval);
        Assert.Equal(0.012, lift.Absolute, 15);
        Assert.True(lift.PValue < 0.01);
    }

    [Fact]
    public void Comparisons_WithoutSequentialTuning_GiveNoSequentialInterval()
    {
        var lift = Comparisons.Rates(Moments.Rate(1_000, 50), Moments.Rate(1_000, 60), new LiftOptions { SequentialTuning = null });

        Assert.Null(lift.SequentialInterval);
        Assert.Null(lift.SequentialPValue);
        Assert.DoesNotContain("confidence sequence", lift.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfidenceSequence_IsWiderThanTheFixedInterval_AndNarrowsAsUnitsGrow()
    {
        var early = Comparisons.Rates(Moments.Rate(1_000, 100), Moments.Rate(1_000, 110));
        var late = Comparisons.Rates(Moments.Rate(100_000, 10_000), Moments.Rate(100_000, 11_000));

        Assert.True(early.SequentialInterval!.Value.Upper > early.AbsoluteInterval.Upper);
        Assert.True(late.SequentialInterval!.Value.Upper - late.SequentialInterval.Value.Lower < early.SequentialInterval.Value.Upper - early.SequentialInterval.Value.Lower);
    }

    [Fact]
    public void BadArguments_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Comparisons.Rates(Moments.Rate(10, 11), Moments.Rate(10, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Comparisons.Means(new Moments(1, 5, 25), new Moments(10, 5, 25)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Comparisons.Means(new Moments(10, 100, 500), new Moments(10, 5, 25)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wilson.Interval(1, 1, 1.0));
        Assert.Throws<ArgumentException>(() => SampleRatio.Test([1, 2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Holm.Adjust([0.5, 1.5]));
        Assert.Empty(Holm.Adjust([]));
    }
}

using MathNet.Numerics.Distributions;
using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>The single-arm figures of a results page (a rate, a mean) and the conversion of a comparison into its view.</summary>
public static class Figures
{
    public const string WilsonMethod = "Wilson score interval";
    public const string MeanMethod = "mean with Student's t interval (n − 1 df)";
    public const string RelativeMethod = "delta method on log(treatment / control)";

    /// <summary><paramref name="successes"/> of <paramref name="units"/> with its Wilson interval (none without units).</summary>
    public static Estimate Proportion(long successes, long units, double confidence) =>
        units <= 0
            ? new Estimate(null, null, WilsonMethod)
            : new Estimate((double)successes / units, IntervalView.From(Wilson.Interval(successes, units, confidence)), WilsonMethod);

    /// <summary>The mean of y with its t interval (none below two units).</summary>
    public static Estimate Mean(Moments moments, double confidence)
    {
        if (moments.Units <= 0)
        {
            return new Estimate(null, null, MeanMethod);
        }

        var mean = moments.Mean;
        if (moments.Units < 2)
        {
            return new Estimate(mean, null, MeanMethod);
        }

        var half = StudentT.InvCDF(0, 1, moments.Units - 1, 1 - ((1 - confidence) / 2)) * Math.Sqrt(moments.Variance / moments.Units);
        return new Estimate(mean, IntervalView.From(new Interval(mean - half, mean + half)), MeanMethod);
    }

    /// <summary>A value with the interval given, scaled (e.g. a per-member lift times the cell's members).</summary>
    public static Estimate Scaled(Lift lift, double factor, string method) =>
        new(IntervalView.Finite(lift.Absolute * factor), IntervalView.Scaled(lift.AbsoluteInterval, factor), method);

    /// <summary>The comparison as the response shows it; <paramref name="sequentialTuning"/> names the confidence sequence.</summary>
    public static LiftView View(Lift lift, double sequentialTuning) => new(
        IntervalView.Finite(lift.Control),
        IntervalView.Finite(lift.Treatment),
        IntervalView.Finite(lift.Absolute),
        IntervalView.From(lift.AbsoluteInterval),
        IntervalView.From(lift.SequentialInterval),
        lift.Relative is { } r ? IntervalView.Finite(r) : null,
        IntervalView.From(lift.RelativeInterval),
        IntervalView.Finite(lift.StandardError),
        IntervalView.Finite(lift.Statistic),
        lift.DegreesOfFreedom is { } df ? IntervalView.Finite(df) : null,
        IntervalView.Finite(lift.PValue),
        null,
        lift.SequentialPValue is { } sp ? IntervalView.Finite(sp) : null,
        lift.Method,
        RelativeMethod,
        lift.SequentialInterval is null ? null : SequentialMethod(sequentialTuning));

    public static string SequentialMethod(double tuning) =>
        $"always-valid interval: asymptotic confidence sequence (Waudby-Smith et al.), tuned to be tightest at N* = {tuning:0.###} members (both arms together)";
}

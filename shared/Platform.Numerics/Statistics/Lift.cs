namespace Platform.Numerics.Statistics;

/// <summary>
/// A treatment arm against control: both means (rates), the absolute lift (treatment − control) and the relative lift
/// (treatment / control − 1) with their intervals, the test statistic and its two-sided p-value, and the method used.
/// </summary>
public sealed record Lift
{
    /// <summary>Control mean (or rate).</summary>
    public required double Control { get; init; }

    /// <summary>Treatment mean (or rate).</summary>
    public required double Treatment { get; init; }

    /// <summary>Treatment − control.</summary>
    public required double Absolute { get; init; }

    /// <summary>Fixed-horizon interval of <see cref="Absolute"/>.</summary>
    public required Interval AbsoluteInterval { get; init; }

    /// <summary>Treatment / control − 1; null when the control mean is not positive (or the treatment's is not).</summary>
    public double? Relative { get; init; }

    /// <summary>Interval of <see cref="Relative"/> by the delta method on log(treatment / control); null with <see cref="Relative"/>.</summary>
    public Interval? RelativeInterval { get; init; }

    /// <summary>Standard error of <see cref="Absolute"/>.</summary>
    public required double StandardError { get; init; }

    /// <summary>z or t statistic.</summary>
    public required double Statistic { get; init; }

    /// <summary>Welch–Satterthwaite degrees of freedom (t-tests); null for z-tests.</summary>
    public double? DegreesOfFreedom { get; init; }

    /// <summary>Two-sided p-value of no difference.</summary>
    public required double PValue { get; init; }

    /// <summary>Always-valid interval of <see cref="Absolute"/> (asymptotic confidence sequence); null when not asked for.</summary>
    public Interval? SequentialInterval { get; init; }

    /// <summary>
    /// Always-valid two-sided p-value of no difference (the reciprocal of the confidence sequence's mixture e-value,
    /// capped at 1); below 1 − confidence exactly when <see cref="SequentialInterval"/> excludes 0; null when not asked for.
    /// </summary>
    public double? SequentialPValue { get; init; }

    /// <summary>The method in words, e.g. "two-proportion z-test (unpooled interval, pooled test)".</summary>
    public required string Method { get; init; }
}

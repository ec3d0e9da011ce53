namespace Platform.Numerics.Statistics;

/// <summary>How a comparison is made.</summary>
public sealed record LiftOptions
{
    /// <summary>Confidence level of the intervals (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>
    /// Tuning of the asymptotic confidence sequence (Waudby-Smith et al.): the sample size N* (both arms together) at
    /// which it is tightest, default 5,000 as GrowthBook's; it sets the mixing parameter
    /// ρ² = (−2 ln α + ln(1 − 2 ln α)) / N* (see <see cref="ConfidenceSequence"/>). Null: no sequential interval.
    /// </summary>
    public double? SequentialTuning { get; init; } = 5_000;
}

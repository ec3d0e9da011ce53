namespace Platform.Numerics.Statistics;

/// <summary>How a comparison is made.</summary>
public sealed record LiftOptions
{
    /// <summary>Confidence level of the intervals (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>
    /// Tuning parameter ρ² of the asymptotic confidence sequence (Waudby-Smith et al.): the sample size at which it is
    /// tightest (default 5,000); null: no sequential interval.
    /// </summary>
    public double? SequentialTuning { get; init; } = 5_000;
}

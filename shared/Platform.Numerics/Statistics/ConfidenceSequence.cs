namespace Platform.Numerics.Statistics;

/// <summary>
/// Asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Ramdas &amp; Ruf, "Time-uniform central limit theory and
/// asymptotic confidence sequences", arXiv:2103.06476, v7 2023): intervals that keep their coverage
/// however often, and whenever, one looks, so a marketer may check results every day and stop when they like.
/// <para>
/// Two-sided, for a difference of means with standard error SE after N = n_control + n_treatment units, as GrowthBook's
/// gbstats does it (<c>SequentialTwoSidedTTest</c>): the per-unit variance is σ̂² = SE²·N (for the paper's
/// inverse-propensity pseudo-outcome of a randomized two-arm test, whose variance is σ_T²/π + σ_C²/(1−π)), and
/// <code>half-width = σ̂ · √( 2(Nρ² + 1) / (N²ρ²) · ln( √(Nρ² + 1) / α ) )</code>
/// (the paper's two-sided Gaussian-mixture boundary, its eq. (9)). The mixing parameter ρ is chosen so
/// the sequence is tightest near a tuning sample size N* (<see cref="LiftOptions.SequentialTuning"/>, default 5,000; the
/// paper's eq. (161), GrowthBook's <c>sequential_tuning_parameter</c>):
/// <code>ρ² = ( −2 ln α + ln(1 − 2 ln α) ) / N*</code>
/// The always-valid p-value is the reciprocal of the mixture e-value (the paper's eq. (155)):
/// with d the estimated difference and S² = N·d²/SE², <code>p = min(1, √(Nρ² + 1) · exp(−ρ²S² / (2(Nρ² + 1))))</code>;
/// p &lt; α exactly when 0 lies outside the interval.
/// </para>
/// </summary>
public static class ConfidenceSequence
{
    /// <summary>The default tuning sample size N* (GrowthBook's default).</summary>
    public const double DefaultTuning = 5_000;

    /// <summary>ρ² for the two-sided sequence at level 1 − <paramref name="alpha"/>, tightest near <paramref name="tuning"/> units.</summary>
    public static double RhoSquared(double alpha, double tuning)
    {
        Checks.Probability(alpha, nameof(alpha));
        if (!(tuning > 0) || !double.IsFinite(tuning))
        {
            throw new ArgumentOutOfRangeException(nameof(tuning), $"The tuning sample size must be positive and finite, got {tuning}.");
        }

        var logAlpha = Math.Log(alpha);
        return ((-2 * logAlpha) + Math.Log(1 - (2 * logAlpha))) / tuning;
    }

    /// <summary>
    /// Half-width of the always-valid interval of a difference with standard error <paramref name="standardError"/>
    /// after <paramref name="units"/> units in both arms together.
    /// </summary>
    public static double HalfWidth(double standardError, double units, double tuning, double confidence)
    {
        Checks.Confidence(confidence);
        if (!(units > 0) || !(standardError >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(units), $"Need units > 0 and a standard error ≥ 0, got {units} and {standardError}.");
        }

        var alpha = 1 - confidence;
        var rho2 = RhoSquared(alpha, tuning);
        var variance = standardError * standardError * units;
        var nr = (units * rho2) + 1;
        return Math.Sqrt(variance * 2 * nr / (units * units * rho2) * Math.Log(Math.Sqrt(nr) / alpha));
    }

    /// <summary>Always-valid two-sided p-value of no difference for an estimate <paramref name="difference"/> with that standard error.</summary>
    public static double PValue(double difference, double standardError, double units, double tuning, double confidence)
    {
        Checks.Confidence(confidence);
        var rho2 = RhoSquared(1 - confidence, tuning);
        var nr = (units * rho2) + 1;
        if (standardError <= 0)
        {
            return difference == 0 ? 1 : 0;
        }

        var s2 = units * difference * difference / (standardError * standardError);
        // ln(1/e) = ln √(Nρ²+1) − ρ²S²/(2(Nρ²+1)), kept in logs so a huge statistic gives 0 rather than ∞·0.
        var logP = (0.5 * Math.Log(nr)) - (rho2 * s2 / (2 * nr));
        return Math.Min(1, Math.Exp(logP));
    }
}

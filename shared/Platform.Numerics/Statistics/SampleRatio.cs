using MathNetSpecial = MathNet.Numerics.SpecialFunctions;

namespace Platform.Numerics.Statistics;

/// <summary>
/// Sample-ratio mismatch: chi-square goodness of fit of observed counts against designed shares, χ² = Σ (oᵢ − eᵢ)² / eᵢ
/// with eᵢ = total · shareᵢ / Σ shares and k − 1 degrees of freedom; the p-value is the upper tail, computed as the
/// regularized upper incomplete gamma Q(df/2, χ²/2) (MathNet.Numerics) so a very small p keeps its digits. Checked
/// against SciPy's <c>chisquare</c>.
/// </summary>
public static class SampleRatio
{
    /// <summary>The threshold below which a mismatch is flagged.</summary>
    public const double Threshold = 0.001;

    /// <summary>
    /// Tests <paramref name="observed"/> counts against <paramref name="shares"/> (normalized to sum to 1). Needs at
    /// least two groups, non-negative finite counts, positive finite shares and a positive total.
    /// </summary>
    public static SampleRatioTest Test(IReadOnlyList<double> observed, IReadOnlyList<double> shares)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(shares);
        if (observed.Count != shares.Count || observed.Count < 2)
        {
            throw new ArgumentException($"Need as many shares as counts, at least two; got {observed.Count} counts and {shares.Count} shares.", nameof(shares));
        }

        if (observed.Any(o => !(o >= 0) || !double.IsFinite(o)) || shares.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(observed), "Counts must be non-negative and shares positive, all finite.");
        }

        var total = observed.Sum();
        if (!(total > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(observed), "Nothing was observed.");
        }

        var shareTotal = shares.Sum();
        var expected = shares.Select(s => total * s / shareTotal).ToArray();
        var chiSquare = observed.Select((o, i) => (o - expected[i]) * (o - expected[i]) / expected[i]).Sum();
        var df = observed.Count - 1;
        var p = MathNetSpecial.GammaUpperRegularized(df / 2.0, chiSquare / 2);
        return new SampleRatioTest(chiSquare, df, p, expected);
    }
}

namespace Platform.Numerics.Statistics;

/// <summary>Sample-ratio mismatch: chi-square goodness of fit of observed counts against designed shares.</summary>
public static class SampleRatio
{
    /// <summary>The threshold below which a mismatch is flagged.</summary>
    public const double Threshold = 0.001;

    /// <summary>Tests <paramref name="observed"/> counts against <paramref name="shares"/> (normalized to sum to 1).</summary>
    public static SampleRatioTest Test(IReadOnlyList<double> observed, IReadOnlyList<double> shares) => throw new NotImplementedException();
}

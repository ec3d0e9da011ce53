namespace Platform.Numerics.Statistics;

/// <summary>Outcome of a sample-ratio test: the statistic, its degrees of freedom, the p-value and whether it is flagged (p &lt; 0.001).</summary>
public sealed record SampleRatioTest(double ChiSquare, int DegreesOfFreedom, double PValue, IReadOnlyList<double> Expected)
{
    /// <summary>True when p &lt; <see cref="SampleRatio.Threshold"/>.</summary>
    public bool Mismatch => PValue < SampleRatio.Threshold;
}

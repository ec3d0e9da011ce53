namespace Platform.Numerics.Statistics;

/// <summary>Holm's step-down correction of p-values for several comparisons (family-wise error).</summary>
public static class Holm
{
    /// <summary>Adjusted p-values, in the order given (monotone, capped at 1).</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues) => throw new NotImplementedException();
}

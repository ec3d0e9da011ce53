namespace Platform.Numerics.Statistics;

/// <summary>
/// Holm's step-down correction of p-values for several comparisons (family-wise error): with the m p-values sorted
/// ascending p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted p₍ᵢ₎ is max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Checked against
/// statsmodels' <c>multipletests(method='holm')</c>.
/// </summary>
public static class Holm
{
    /// <summary>Adjusted p-values, in the order given (monotone, capped at 1).</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        for (var i = 0; i < m; i++)
        {
            if (!(pValues[i] >= 0 && pValues[i] <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(pValues), $"p-values must lie in [0, 1], got {pValues[i]} at {i}.");
            }
        }

        // Stable order, so equal p-values keep the order given (the result does not depend on it, but stays reproducible).
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var index = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[index]));
            adjusted[index] = running;
        }

        return adjusted;
    }
}

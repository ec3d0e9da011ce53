using MathNet.Numerics.Distributions;

namespace Platform.Numerics.Statistics;

/// <summary>
/// Wilson score interval of a proportion: with p̂ = s/n and z the standard normal quantile at (1 + confidence)/2,
/// <c>(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)</c>. Checked against statsmodels'
/// <c>proportion_confint(method='wilson')</c>.
/// </summary>
public static class Wilson
{
    /// <summary>Interval of <paramref name="successes"/> / <paramref name="units"/> at <paramref name="confidence"/>; [0, 1] without units.</summary>
    public static Interval Interval(double successes, double units, double confidence = 0.95)
    {
        Checks.Confidence(confidence);
        if (!(units >= 0) || !(successes >= 0) || successes > units || !double.IsFinite(units))
        {
            throw new ArgumentOutOfRangeException(nameof(successes), $"Need 0 ≤ successes ≤ units (finite), got {successes} of {units}.");
        }

        if (units == 0)
        {
            return new Interval(0, 1);
        }

        var z = Normal.InvCDF(0, 1, (1 + confidence) / 2);
        var p = successes / units;
        var z2 = z * z;
        var denominator = 1 + (z2 / units);
        var centre = (p + (z2 / (2 * units))) / denominator;
        var half = z / denominator * Math.Sqrt((p * (1 - p) / units) + (z2 / (4 * units * units)));
        // Clamped only against rounding: mathematically the interval lies inside [0, 1].
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}

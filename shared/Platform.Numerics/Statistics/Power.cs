using MathNet.Numerics.Distributions;

namespace Platform.Numerics.Statistics;

/// <summary>
/// Power and minimum detectable effects of two-sided tests with unequal groups: two-proportion z-test for rates (moved
/// here from Campaigns' plan preview, which uses it too) and the z-approximation of Welch's test for means. Pure: no I/O;
/// quantiles from MathNet's standard normal.
/// <para>
/// Rates (Fleiss, Levin &amp; Paik, <i>Statistical Methods for Rates and Proportions</i>, 3rd ed., §4.2; pooled variance
/// under the null, unpooled under the alternative, no continuity correction): for control rate p0, treated rate
/// p1 = p0 + δ, group sizes n_c, n_t and p̄ = (n_c·p0 + n_t·p1)/(n_c + n_t), the test detects δ with the stated power when
/// <code>δ ≥ z(1−α/2)·√(p̄(1−p̄)(1/n_c + 1/n_t)) + z(power)·√(p0(1−p0)/n_c + p1(1−p1)/n_t)</code>
/// Only a rise over control is looked for (the far tail's probability is negligible at any useful power).
/// </para>
/// <para>
/// Means (standard deviation σ in both arms, SE = σ·√(1/n_c + 1/n_t)): the power of the two-sided z-test counting both
/// tails, <code>Φ(δ/SE − z(1−α/2)) + Φ(−δ/SE − z(1−α/2))</code>, solved for δ or n by bisection (statsmodels'
/// <c>NormalIndPower</c>).
/// </para>
/// </summary>
public static class Power
{
    private const int Iterations = 200;

    /// <summary>Smallest absolute lift of a rate over <paramref name="baseline"/> detected with <paramref name="power"/> at <paramref name="alpha"/>; null when none is (even a treated rate of 1 would not be detected, or a group is empty).</summary>
    public static double? MinimumDetectableRateLift(double baseline, double controlSize, double treatedSize, double power = 0.8, double alpha = 0.05)
    {
        CheckRates(baseline, power, alpha);
        if (!(controlSize > 0) || !(treatedSize > 0) || RateMargin(baseline, 1 - baseline, controlSize, treatedSize, power, alpha) < 0)
        {
            return null;
        }

        return Bisect(0, 1 - baseline, d => RateMargin(baseline, d, controlSize, treatedSize, power, alpha) >= 0);
    }

    /// <summary>Smallest absolute lift of a mean with standard deviation <paramref name="standardDeviation"/> in both arms; null when a group is empty.</summary>
    public static double? MinimumDetectableMeanLift(double standardDeviation, double controlSize, double treatedSize, double power = 0.8, double alpha = 0.05)
    {
        CheckMeans(standardDeviation, power, alpha);
        if (!(controlSize > 0) || !(treatedSize > 0))
        {
            return null;
        }

        var se = standardDeviation * Math.Sqrt((1 / controlSize) + (1 / treatedSize));
        // The one-tailed closed form is a lower bound; the far tail only helps, so the answer lies below it.
        var high = (ZAlpha(alpha) + ZPower(power)) * se;
        return Bisect(0, high, d => MeanPowerOf(d / se, alpha) >= power);
    }

    /// <summary>Units per arm (equal arms) to detect an absolute rate lift (Fleiss' closed form; not rounded up).</summary>
    public static double RateSizePerArm(double baseline, double lift, double power = 0.8, double alpha = 0.05)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        var p1 = baseline + lift;
        var pooled = (baseline + p1) / 2;
        var root = (ZAlpha(alpha) * Math.Sqrt(2 * pooled * (1 - pooled))) + (ZPower(power) * Math.Sqrt((baseline * (1 - baseline)) + (p1 * (1 - p1))));
        return root * root / (lift * lift);
    }

    /// <summary>Units per arm (equal arms) to detect an absolute mean lift (not rounded up).</summary>
    public static double MeanSizePerArm(double standardDeviation, double lift, double power = 0.8, double alpha = 0.05)
    {
        CheckMeans(standardDeviation, power, alpha);
        if (!(lift > 0) || !double.IsFinite(lift))
        {
            throw new ArgumentOutOfRangeException(nameof(lift), "The lift must be positive and finite.");
        }

        // One-tailed closed form: an upper bound (the far tail adds power); bisect on the log scale below it.
        var z = ZAlpha(alpha) + ZPower(power);
        var high = 2 * Math.Pow(z * standardDeviation / lift, 2);
        var log = Bisect(Math.Log(high) - 10, Math.Log(high), x => MeanPowerOf(lift / (standardDeviation * Math.Sqrt(2 / Math.Exp(x))), alpha) >= power);
        return Math.Exp(log);
    }

    /// <summary>
    /// The smallest control share c (at most one half, where a fixed total has the most power) such that a control group of
    /// c·<paramref name="total"/> against a treated group of the rest detects <paramref name="lift"/> (absolute, rates);
    /// null when even an even split would not.
    /// </summary>
    public static double? ControlShareNeeded(double baseline, double lift, double total, double power = 0.8, double alpha = 0.05)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        if (!(total > 0) || RateMargin(baseline, lift, total / 2, total / 2, power, alpha) < 0)
        {
            return null;
        }

        return Bisect(0, 0.5, c => c > 0 && RateMargin(baseline, lift, c * total, (1 - c) * total, power, alpha) >= 0);
    }

    /// <summary>
    /// The smallest control group that detects <paramref name="lift"/> (absolute, rates) against a treated group of
    /// <paramref name="treatedSize"/>; null when no control group, however large, would (the treated group is too small).
    /// </summary>
    public static double? ControlSizeNeeded(double baseline, double lift, double treatedSize, double power = 0.8, double alpha = 0.05)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        const double Unbounded = 1e15;
        if (!(treatedSize > 0) || RateMargin(baseline, lift, Unbounded, treatedSize, power, alpha) < 0)
        {
            return null;
        }

        // On a log scale: the answer may be anything from a handful to billions.
        var log = Bisect(0, Math.Log(Unbounded), x => RateMargin(baseline, lift, Math.Exp(x), treatedSize, power, alpha) >= 0);
        return Math.Exp(log);
    }

    /// <summary>The power of the rate test (Fleiss' approximation, one tail) to detect <paramref name="lift"/> (absolute) with these group sizes.</summary>
    public static double RatePower(double baseline, double lift, double controlSize, double treatedSize, double alpha = 0.05)
    {
        CheckLift(baseline, lift);
        var p1 = baseline + lift;
        var pooled = ((controlSize * baseline) + (treatedSize * p1)) / (controlSize + treatedSize);
        var null0 = Math.Sqrt(pooled * (1 - pooled) * ((1 / controlSize) + (1 / treatedSize)));
        var alternative = Math.Sqrt((baseline * (1 - baseline) / controlSize) + (p1 * (1 - p1) / treatedSize));
        return Normal.CDF(0, 1, (lift - (ZAlpha(alpha) * null0)) / alternative);
    }

    /// <summary>The power of the two-sided z-test of means (both tails) to detect <paramref name="lift"/> with these group sizes.</summary>
    public static double MeanPower(double standardDeviation, double lift, double controlSize, double treatedSize, double alpha = 0.05)
    {
        CheckMeans(standardDeviation, 0.5, alpha);
        return MeanPowerOf(lift / (standardDeviation * Math.Sqrt((1 / controlSize) + (1 / treatedSize))), alpha);
    }

    private static double MeanPowerOf(double standardized, double alpha)
    {
        var z = ZAlpha(alpha);
        return Normal.CDF(0, 1, standardized - z) + Normal.CDF(0, 1, -standardized - z);
    }

    // δ − z(1−α/2)·SE0 − z(power)·SE1: non-negative when the lift is detected with the power.
    private static double RateMargin(double baseline, double lift, double controlSize, double treatedSize, double power, double alpha)
    {
        var p1 = baseline + lift;
        var pooled = ((controlSize * baseline) + (treatedSize * p1)) / (controlSize + treatedSize);
        var null0 = Math.Sqrt(pooled * (1 - pooled) * ((1 / controlSize) + (1 / treatedSize)));
        var alternative = Math.Sqrt((baseline * (1 - baseline) / controlSize) + (p1 * (1 - p1) / treatedSize));
        return lift - (ZAlpha(alpha) * null0) - (ZPower(power) * alternative);
    }

    private static double ZAlpha(double alpha) => Normal.InvCDF(0, 1, 1 - (alpha / 2));

    private static double ZPower(double power) => Normal.InvCDF(0, 1, power);

    // The smallest x in (low, high] where ok(x) holds, given ok(high) holds and ok flips once.
    private static double Bisect(double low, double high, Func<double, bool> ok)
    {
        for (var i = 0; i < Iterations && high - low > 1e-15 * Math.Max(1, Math.Abs(high)); i++)
        {
            var mid = (low + high) / 2;
            if (ok(mid))
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }

    private static void CheckRates(double baseline, double power, double alpha)
    {
        if (!(baseline > 0 && baseline < 1) || !(power > 0 && power < 1) || !(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), "baseline, power and alpha must lie strictly between 0 and 1");
        }
    }

    private static void CheckMeans(double standardDeviation, double power, double alpha)
    {
        if (!(standardDeviation > 0) || !double.IsFinite(standardDeviation) || !(power > 0 && power < 1) || !(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), "the standard deviation must be positive and finite, power and alpha strictly between 0 and 1");
        }
    }

    private static void CheckLift(double baseline, double lift)
    {
        if (!(lift > 0 && baseline + lift <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lift), "the lift must be above 0 and leave the treated rate at most 1");
        }
    }
}

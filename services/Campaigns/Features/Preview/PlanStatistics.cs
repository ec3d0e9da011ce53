using MathNet.Numerics.Distributions;

namespace Campaigns.Features.Preview;

/// <summary>
/// Power of a cell against control, for a plan preview: the two-sided two-proportion z-test (unpooled-alternative,
/// pooled-null variance, no continuity correction; Fleiss, Levin &amp; Paik, <i>Statistical Methods for Rates and
/// Proportions</i>, 3rd ed., §4.2) with groups of unequal size. For control rate p0, treated rate p1 = p0 + δ, group sizes
/// n_c, n_t and p̄ = (n_c·p0 + n_t·p1)/(n_c + n_t), the test detects δ with the stated power when
/// <code>δ ≥ z(1−α/2)·√(p̄(1−p̄)(1/n_c + 1/n_t)) + z(power)·√(p0(1−p0)/n_c + p1(1−p1)/n_t)</code>
/// Only a rise over control is looked for (the far tail's probability is negligible at any useful power). Quantiles
/// come from MathNet's standard normal. Pure: no I/O.
/// </summary>
public static class PlanStatistics
{
    private const int Iterations = 200;

    /// <summary>
    /// The smallest absolute lift δ (treated rate minus control rate) the test detects with <paramref name="power"/> at
    /// <paramref name="alpha"/>; null when even a treated rate of 1 would not be detected (groups too small) or a group is empty.
    /// </summary>
    public static double? MinimumDetectableLift(double baseline, double controlSize, double treatedSize, double power, double alpha)
    {
        CheckRates(baseline, power, alpha);
        if (controlSize <= 0 || treatedSize <= 0 || Margin(baseline, 1 - baseline, controlSize, treatedSize, power, alpha) < 0)
        {
            return null;
        }

        return Bisect(0, 1 - baseline, d => Margin(baseline, d, controlSize, treatedSize, power, alpha) >= 0);
    }

    /// <summary>
    /// The smallest control share c (at most one half, where a fixed total has the most power) such that a control group of
    /// c·<paramref name="total"/> against a treated group of the rest detects <paramref name="lift"/> (absolute); null when
    /// even an even split would not.
    /// </summary>
    public static double? ControlShareNeeded(double baseline, double lift, double total, double power, double alpha)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        if (total <= 0 || Margin(baseline, lift, total / 2, total / 2, power, alpha) < 0)
        {
            return null;
        }

        return Bisect(0, 0.5, c => c > 0 && Margin(baseline, lift, c * total, (1 - c) * total, power, alpha) >= 0);
    }

    /// <summary>
    /// The smallest control group that detects <paramref name="lift"/> (absolute) against a treated group of
    /// <paramref name="treatedSize"/>; null when no control group, however large, would (the treated group is too small).
    /// </summary>
    public static double? ControlSizeNeeded(double baseline, double lift, double treatedSize, double power, double alpha)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        const double Unbounded = 1e15;
        if (treatedSize <= 0 || Margin(baseline, lift, Unbounded, treatedSize, power, alpha) < 0)
        {
            return null;
        }

        // On a log scale: the answer may be anything from a handful to billions.
        var log = Bisect(0, Math.Log(Unbounded), x => Margin(baseline, lift, Math.Exp(x), treatedSize, power, alpha) >= 0);
        return Math.Exp(log);
    }

    /// <summary>The closed form for two groups of equal size: members per group needed to detect <paramref name="lift"/> (absolute).</summary>
    public static double EqualGroupSizeNeeded(double baseline, double lift, double power, double alpha)
    {
        CheckRates(baseline, power, alpha);
        CheckLift(baseline, lift);
        var p1 = baseline + lift;
        var pooled = (baseline + p1) / 2;
        var root = (ZAlpha(alpha) * Math.Sqrt(2 * pooled * (1 - pooled))) + (ZPower(power) * Math.Sqrt((baseline * (1 - baseline)) + (p1 * (1 - p1))));
        return root * root / (lift * lift);
    }

    /// <summary>The power of the test to detect <paramref name="lift"/> (absolute) with these group sizes.</summary>
    public static double Power(double baseline, double lift, double controlSize, double treatedSize, double alpha)
    {
        CheckLift(baseline, lift);
        var p1 = baseline + lift;
        var pooled = ((controlSize * baseline) + (treatedSize * p1)) / (controlSize + treatedSize);
        var null0 = Math.Sqrt(pooled * (1 - pooled) * ((1 / controlSize) + (1 / treatedSize)));
        var alternative = Math.Sqrt((baseline * (1 - baseline) / controlSize) + (p1 * (1 - p1) / treatedSize));
        return Normal.CDF(0, 1, (lift - (ZAlpha(alpha) * null0)) / alternative);
    }

    // δ − z(1−α/2)·SE0 − z(power)·SE1: non-negative when the lift is detected with the power.
    private static double Margin(double baseline, double lift, double controlSize, double treatedSize, double power, double alpha)
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

    private static void CheckLift(double baseline, double lift)
    {
        if (!(lift > 0 && baseline + lift <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lift), "the lift must be above 0 and leave the treated rate at most 1");
        }
    }
}

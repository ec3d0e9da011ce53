namespace Segmentation.Features.Models;

/// <summary>Special functions the lifetime models need and .NET lacks: log-gamma, digamma and the Gauss hypergeometric function.</summary>
public static class SpecialFunctions
{
    // Below this the asymptotic series lose accuracy, so small arguments are shifted up by recurrence.
    private const double AsymptoticThreshold = 10.0;
    private const double HalfLogTwoPi = 0.91893853320467274178032973640562;

    /// <summary>ln Γ(x) for x &gt; 0 (Stirling series with upward recurrence; ~1e-15 absolute, ~1e-14 relative away from the roots at 1 and 2); NaN for x ≤ 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }

        // Γ(x) = Γ(x + n) / (x (x+1) ... (x+n-1)); at most ten factors below 10, so the product cannot overflow.
        var shift = 0.0;
        if (x < AsymptoticThreshold)
        {
            var product = 1.0;
            while (x < AsymptoticThreshold)
            {
                product *= x;
                x += 1.0;
            }

            shift = Math.Log(product);
        }

        var inv = 1.0 / x;
        var inv2 = inv * inv;
        // Bernoulli terms B_2k / (2k (2k-1) x^(2k-1)), k = 1..7: the next one is below 3e-17 at x = 10.
        var series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680
            + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360 + inv2 * (1.0 / 156)))))));
        return ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi + series - shift;
    }

    /// <summary>Digamma ψ(x) = d ln Γ(x) / dx for x &gt; 0 (asymptotic series with upward recurrence; ~1e-15 absolute); NaN for x ≤ 0.</summary>
    public static double Digamma(double x)
    {
        if (!(x > 0))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }

        var shift = 0.0;
        while (x < AsymptoticThreshold)
        {
            shift += 1.0 / x;
            x += 1.0;
        }

        var inv = 1.0 / x;
        var inv2 = inv * inv;
        // Bernoulli terms B_2k / (2k x^2k), k = 1..7.
        var series = inv2 * (1.0 / 12 + inv2 * (-1.0 / 120 + inv2 * (1.0 / 252 + inv2 * (-1.0 / 240
            + inv2 * (1.0 / 132 + inv2 * (-691.0 / 32760 + inv2 * (1.0 / 12)))))));
        return Math.Log(x) - (0.5 * inv) - series - shift;
    }

    /// <summary>Gauss hypergeometric ₂F₁(a, b; c; z) for |z| &lt; 1 (c not 0 or a negative integer); may overflow to ∞ when the value does.</summary>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (!(Math.Abs(z) < 1) || !double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c))
        {
            throw new ArgumentOutOfRangeException(nameof(z), $"Need |z| < 1 and finite parameters, got a={a}, b={b}, c={c}, z={z}.");
        }

        if (c <= 0 && c == Math.Floor(c))
        {
            throw new ArgumentOutOfRangeException(nameof(c), $"c must not be 0 or a negative integer, got {c}.");
        }

        if (z == 0)
        {
            return 1.0;
        }

        // Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z) trades large numerator
        // parameters (slow, huge-term series, e.g. the BG/NBD's r+x, b+x) for small ones.
        if (Math.Abs((c - a) * (c - b)) < Math.Abs(a * b))
        {
            var prefactorLog = (c - a - b) * Log1P(-z);
            return Math.Exp(prefactorLog) * SumSeries(c - a, c - b, c, z, 0, 1.0);
        }

        return SumSeries(a, b, c, z, 0, 1.0);
    }

    /// <summary>
    /// Σ_{n ≥ n0} t_n of a hypergeometric series: t_{n+1} = t_n (a+n)(b+n) z / ((c+n)(n+1)), starting from t_{n0} = first.
    /// NaN if it fails to converge in a million terms (only for |z| extremely close to 1 with huge parameters).
    /// </summary>
    internal static double SumSeries(double a, double b, double c, double z, int n0, double first)
    {
        const int MaxTerms = 1_000_000;
        const double Tolerance = 1e-17;
        var sum = first;
        var compensation = 0.0;
        var term = first;
        // Past every sign change of the factors the ratio settles towards z, so the tail bound below is safe.
        var settled = Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), -c) + 1;
        for (var n = n0; n < n0 + MaxTerms; n++)
        {
            var ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1));
            term *= ratio;
            if (term == 0)
            {
                return sum + compensation;
            }

            // Neumaier summation: hundreds of same-sign terms near z = 1 otherwise lose a few digits.
            var next = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - next) + term : (term - next) + sum;
            sum = next;

            if (n + 1 >= settled)
            {
                var nextRatio = Math.Abs((a + n + 1) * (b + n + 1) * z / ((c + n + 1) * (n + 2)));
                var bound = Math.Max(nextRatio, Math.Abs(z));
                if (bound < 1 && Math.Abs(term) * bound / (1 - bound) <= Tolerance * Math.Abs(sum + compensation))
                {
                    return sum + compensation;
                }
            }

            if (!double.IsFinite(sum))
            {
                return sum;
            }
        }

        return double.NaN;
    }

    /// <summary>ln(1 + x) accurate for small x (.NET's double.LogP1 is computed as Log(x + 1)).</summary>
    internal static double Log1P(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        // Kahan's trick: the rounding error of 1 + x cancels in the ratio.
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>e^x − 1 accurate for small x (.NET's double.ExpM1 is computed as Exp(x) − 1).</summary>
    internal static double ExpM1(double x)
    {
        if (Math.Abs(x) < 1e-5)
        {
            return x + (0.5 * x * x) + (x * x * x / 6.0);
        }

        var u = Math.Exp(x);
        if (double.IsPositiveInfinity(u))
        {
            return u;
        }

        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        // Kahan's trick again: the rounding error of e^x is undone by dividing by its log.
        return um1 * x / Math.Log(u);
    }

    /// <summary>ln(e^u + e^v) without overflow; returns the other value when one is −∞.</summary>
    internal static double LogSumExp(double u, double v)
    {
        if (u < v)
        {
            (u, v) = (v, u);
        }

        return double.IsNegativeInfinity(v) ? u : u + Log1P(Math.Exp(v - u));
    }
}

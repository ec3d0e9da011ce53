using MathNetSpecial = MathNet.Numerics.SpecialFunctions;

namespace Platform.Numerics;

/// <summary>
/// Special functions the lifetime models need. The standard ones (log-gamma, digamma) are MathNet.Numerics'; what it
/// lacks is here: the Gauss hypergeometric function ₂F₁ and the accurate small-argument helpers the models use in
/// their overflow-free forms.
/// </summary>
public static class SpecialFunctions
{
    /// <summary>ln Γ(x) for x &gt; 0 (MathNet.Numerics' Lanczos approximation, ~1e-15 relative); NaN for x ≤ 0.</summary>
    public static double LogGamma(double x) => x > 0 ? MathNetSpecial.GammaLn(x) : double.NaN;

    /// <summary>Digamma ψ(x) = d ln Γ(x) / dx for x &gt; 0 (MathNet.Numerics); NaN for x ≤ 0.</summary>
    public static double Digamma(double x) => x > 0 ? MathNetSpecial.DiGamma(x) : double.NaN;

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
    public static double SumSeries(double a, double b, double c, double z, int n0, double first)
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
    public static double Log1P(double x)
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
    public static double ExpM1(double x)
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
    public static double LogSumExp(double u, double v)
    {
        if (u < v)
        {
            (u, v) = (v, u);
        }

        return double.IsNegativeInfinity(v) ? u : u + Log1P(Math.Exp(v - u));
    }
}

namespace Segmentation.Features.Models;

/// <summary>Random variates for simulating the models; driven by a seeded <see cref="Random"/> so simulations repeat exactly.</summary>
internal static class Sampling
{
    /// <summary>Uniform on (0, 1]: never 0, so its log is finite.</summary>
    public static double Uniform(Random random) => 1.0 - random.NextDouble();

    /// <summary>Exponential with rate 1.</summary>
    public static double Exponential(Random random) => -Math.Log(Uniform(random));

    /// <summary>Standard normal (Marsaglia's polar method, one of the pair).</summary>
    public static double Normal(Random random)
    {
        while (true)
        {
            var u = (2.0 * random.NextDouble()) - 1.0;
            var v = (2.0 * random.NextDouble()) - 1.0;
            var s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2.0 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Gamma with the given shape and scale 1 (Marsaglia &amp; Tsang 2000; shape &lt; 1 by the U^(1/shape) boost).</summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1.0) * Math.Pow(Uniform(random), 1.0 / shape);
        }

        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            var x = Normal(random);
            var v = 1.0 + (c * x);
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            var u = Uniform(random);
            if (u < 1.0 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1.0 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    /// <summary>Beta(a, b) as G_a / (G_a + G_b).</summary>
    public static double Beta(Random random, double a, double b)
    {
        while (true)
        {
            var ga = Gamma(random, a);
            var gb = Gamma(random, b);
            // Both can underflow to 0 for tiny shapes; draw again rather than return NaN.
            if (ga + gb > 0)
            {
                return ga / (ga + gb);
            }
        }
    }
}

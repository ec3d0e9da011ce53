using MathNet.Numerics.Distributions;
using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>Seeded draws for the simulation tests, reduced to sufficient statistics as the service keeps them.</summary>
public static class Simulate
{
    /// <summary>Expected value of a zero-heavy lognormal spend: (1 − zeros)·exp(μ + σ²/2).</summary>
    public static double SpendMean(double zeros, double mu, double sigma) => (1 - zeros) * Math.Exp(mu + (sigma * sigma / 2));

    /// <summary>n units of a 0/1 outcome with probability <paramref name="p"/>.</summary>
    public static Moments Rate(Random random, int n, double p) => Moments.Rate(n, Binomial.Sample(random, p, n));

    /// <summary>n units of spend: 0 with probability <paramref name="zeros"/>, else lognormal(μ, σ).</summary>
    public static Moments Spend(Random random, int n, double zeros, double mu, double sigma)
    {
        double sum = 0, squares = 0;
        for (var i = 0; i < n; i++)
        {
            if (random.NextDouble() >= zeros)
            {
                var y = LogNormal.Sample(random, mu, sigma);
                sum += y;
                squares += y * y;
            }
        }

        return new Moments(n, sum, squares);
    }

    /// <summary>
    /// The 99.9% acceptance region of a binomial count: [smallest k with P(X ≤ k) ≥ 0.0005, smallest k with
    /// P(X ≤ k) ≥ 0.9995], so a correct method falls outside it one time in a thousand.
    /// </summary>
    public static (int Lower, int Upper) BinomialBounds(int trials, double p)
    {
        var lower = 0;
        while (Binomial.CDF(p, trials, lower) < 0.0005)
        {
            lower++;
        }

        var upper = lower;
        while (Binomial.CDF(p, trials, upper) < 0.9995)
        {
            upper++;
        }

        return (lower, upper);
    }
}

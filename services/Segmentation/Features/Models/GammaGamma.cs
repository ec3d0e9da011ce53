using System.Globalization;
using Platform.Numerics;
using static Platform.Numerics.SpecialFunctions;

namespace Segmentation.Features.Models;

/// <summary>Gamma-Gamma parameters: values per purchase day ~ Gamma(shape P, rate ν) with the customer's ν ~ Gamma(shape Q, rate Gamma).</summary>
public readonly record struct GammaGammaParameters(double P, double Q, double Gamma)
{
    /// <summary>Throws unless all three parameters are positive and finite.</summary>
    public void Validate()
    {
        if (!(P > 0 && Q > 0 && Gamma > 0) || !double.IsFinite(P + Q + Gamma))
        {
            throw new ArgumentException($"Gamma-Gamma parameters must be positive and finite, were {this}.");
        }
    }
}

/// <summary>
/// Maximum-likelihood Gamma-Gamma fit: parameters, total log-likelihood, repeat buyers used, iterations and the
/// verdict (converged, or degenerate / failed with the reason, e.g. spend without variation); only a converged fit is used.
/// </summary>
public sealed record GammaGammaFit(GammaGammaParameters Parameters, double LogLikelihood, int CustomersUsed, int Iterations, FitVerdict Verdict)
{
    /// <summary>True when the verdict is <see cref="FitStatus.Converged"/>.</summary>
    public bool Converged => Verdict.Status == FitStatus.Converged;
}

/// <summary>The Gamma-Gamma model of average spend per repeat purchase day (Fader &amp; Hardie 2013): likelihood, fit, conditional expected spend.</summary>
public static class GammaGamma
{
    /// <summary>Fewer repeat buyers than this cannot determine three parameters: the fit is degenerate.</summary>
    public const int MinimumCustomers = 10;

    private const int MaxIterations = 300;
    private static readonly string[] Names = ["p", "q", "γ"];

    /// <summary>One repeat buyer's log-density of the observed average m̄ over x repeat purchase days; throws when the history has no repeat spend.</summary>
    public static double LogLikelihood(GammaGammaParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        RequireRepeatSpend(history);
        var (p, q, gamma) = parameters;
        double x = history.Frequency;
        var m = history.AverageRepeatSpend;
        return LogGamma((p * x) + q) - LogGamma(p * x) - LogGamma(q) + (q * Math.Log(gamma))
            + (((p * x) - 1) * Math.Log(m)) + (p * x * Math.Log(x)) - (((p * x) + q) * Math.Log(gamma + (x * m)));
    }

    /// <summary>Total log-likelihood over the customers that have repeat spend (others are left out, as in the fit).</summary>
    public static double LogLikelihood(GammaGammaParameters parameters, IReadOnlyList<PurchaseHistory> histories)
    {
        parameters.Validate();
        return new Likelihood(histories).Evaluate(parameters, stackalloc double[3]);
    }

    /// <summary>∂ ln L / ∂(p, q, γ) for one repeat buyer, returned in the fields P, Q, Gamma.</summary>
    public static GammaGammaParameters LogLikelihoodGradient(GammaGammaParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        RequireRepeatSpend(history);
        var (p, q, gamma) = parameters;
        double x = history.Frequency;
        var m = history.AverageRepeatSpend;
        var logTotal = Math.Log(gamma + (x * m));
        var psiTotal = Digamma((p * x) + q);
        var dp = x * (psiTotal - Digamma(p * x) + Math.Log(m) + Math.Log(x) - logTotal);
        var dq = psiTotal - Digamma(q) + Math.Log(gamma) - logTotal;
        var dGamma = (q / gamma) - (((p * x) + q) / (gamma + (x * m)));
        return new GammaGammaParameters(dp, dq, dGamma);
    }

    /// <summary>Maximum-likelihood fit over log-parameters on the customers with x &gt; 0 and a positive finite average repeat spend.</summary>
    public static GammaGammaFit Fit(IReadOnlyList<PurchaseHistory> histories, CancellationToken cancellationToken = default)
    {
        var data = new Likelihood(histories);
        if (data.Customers == 0)
        {
            throw new ArgumentException("Cannot fit the Gamma-Gamma model: no customer has repeat purchases with a positive spend.", nameof(histories));
        }

        // p = 1, q = 2 and γ = mean spend make the model's mean pγ/(q−1) match the data at the start.
        var start = new[] { 0.0, Math.Log(2.0), Math.Log(data.MeanSpend) };
        var scale = 1.0 / data.Customers;
        double Objective(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            var parameters = new GammaGammaParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]));
            if (!(parameters.P > 0 && parameters.Q > 0 && parameters.Gamma > 0) || !double.IsFinite(parameters.P + parameters.Q + parameters.Gamma))
            {
                return double.PositiveInfinity;
            }

            var ll = data.Evaluate(parameters, gradient);
            gradient[0] *= -parameters.P * scale;
            gradient[1] *= -parameters.Q * scale;
            gradient[2] *= -parameters.Gamma * scale;
            return double.IsFinite(ll) ? -ll * scale : double.PositiveInfinity;
        }

        var result = Optimizer.Minimize(Objective, start, MaxIterations, cancellationToken);
        var theta = result.Point;
        var fitted = new GammaGammaParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]));
        return new GammaGammaFit(fitted, -result.Value * data.Customers, data.Customers, result.Iterations, Judge(data, Objective, result));
    }

    // What the data say before the estimates: identical averages leave only their mean identified (the optimizer then
    // runs p towards ∞ along a ridge and may well stop "converged" with p in the millions); too few buyers determine nothing.
    private static FitVerdict Judge(Likelihood data, Objective objective, OptimizerResult result)
    {
        if (data.Customers < MinimumCustomers)
        {
            return FitVerdict.Degenerate($"only {data.Customers} repeat buyers with spend; at least {MinimumCustomers} are needed to estimate p, q and γ");
        }

        if (data.MaxSpend - data.MinSpend <= 1e-9 * data.MaxSpend)
        {
            return FitVerdict.Degenerate(string.Create(CultureInfo.InvariantCulture,
                $"spend without variation: every repeat buyer's average spend is {data.MeanSpend:G6}, so only the mean spend is identified, not p, q and γ"));
        }

        return FitCheck.Judge(objective, result, Names);
    }

    /// <summary>E[value per purchase day | x, m̄] = p(γ + x m̄) / (p x + q − 1); the population mean pγ / (q − 1) without repeat spend (∞ when q ≤ 1).</summary>
    public static double ExpectedAverageSpend(GammaGammaParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        var (p, q, gamma) = parameters;
        if (!history.HasRepeatSpend)
        {
            // The mean of the prior on 1/ν exists only for q > 1.
            return q > 1 ? p * gamma / (q - 1) : double.PositiveInfinity;
        }

        double x = history.Frequency;
        var denominator = (p * x) + q - 1;
        return denominator > 0 ? p * (gamma + (x * history.AverageRepeatSpend)) / denominator : double.PositiveInfinity;
    }

    /// <summary>Copies of the histories with AverageRepeatSpend drawn from the Gamma-Gamma model (NaN when x = 0); deterministic for a seed.</summary>
    public static PurchaseHistory[] Simulate(GammaGammaParameters parameters, IReadOnlyList<PurchaseHistory> histories, int seed)
    {
        parameters.Validate();
        ArgumentNullException.ThrowIfNull(histories);
        var random = new Random(seed);
        var result = new PurchaseHistory[histories.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var h = histories[i];
            var nu = Sampling.Gamma(random, parameters.Q) / parameters.Gamma;
            // The mean of x Gamma(p, ν) values is Gamma(p x, x ν).
            var average = h.Frequency > 0 ? Sampling.Gamma(random, parameters.P * h.Frequency) / (h.Frequency * nu) : double.NaN;
            result[i] = h with { AverageRepeatSpend = average };
        }

        return result;
    }

    private static void RequireRepeatSpend(PurchaseHistory history)
    {
        history.Validate();
        if (!history.HasRepeatSpend)
        {
            throw new ArgumentException($"The Gamma-Gamma likelihood needs x > 0 and a positive average repeat spend, got {history}.", nameof(history));
        }
    }

    /// <summary>Repeat buyers compiled for the fit: sums that do not depend on the parameters are taken once, the lgamma terms once per distinct x.</summary>
    private sealed class Likelihood
    {
        private const int ChunkSize = 32_768;

        private readonly double[] distinctX;
        private readonly double[] countOfX;
        private readonly double[] rowX;
        private readonly double[] rowXm;
        private readonly double sumXLogM;
        private readonly double sumLogM;
        private readonly double sumXLogX;

        public Likelihood(IReadOnlyList<PurchaseHistory> histories)
        {
            ArgumentNullException.ThrowIfNull(histories);
            var x = new List<double>();
            var xm = new List<double>();
            var counts = new SortedDictionary<int, int>();
            double total = 0;
            foreach (var h in histories)
            {
                h.Validate();
                if (!h.HasRepeatSpend)
                {
                    continue;
                }

                x.Add(h.Frequency);
                xm.Add(h.Frequency * h.AverageRepeatSpend);
                counts[h.Frequency] = counts.GetValueOrDefault(h.Frequency) + 1;
                sumXLogM += h.Frequency * Math.Log(h.AverageRepeatSpend);
                sumLogM += Math.Log(h.AverageRepeatSpend);
                sumXLogX += h.Frequency * Math.Log(h.Frequency);
                total += h.AverageRepeatSpend;
                MinSpend = Math.Min(MinSpend, h.AverageRepeatSpend);
                MaxSpend = Math.Max(MaxSpend, h.AverageRepeatSpend);
            }

            rowX = [.. x];
            rowXm = [.. xm];
            distinctX = [.. counts.Keys.Select(k => (double)k)];
            countOfX = [.. counts.Values.Select(v => (double)v)];
            MeanSpend = rowX.Length > 0 ? total / rowX.Length : 0;
        }

        public int Customers => rowX.Length;

        public double MeanSpend { get; }

        public double MinSpend { get; } = double.PositiveInfinity;

        public double MaxSpend { get; } = double.NegativeInfinity;

        /// <summary>Total log-likelihood at <paramref name="parameters"/>; writes ∂/∂(p, q, γ) into <paramref name="gradient"/>.</summary>
        public double Evaluate(GammaGammaParameters parameters, Span<double> gradient)
        {
            var (p, q, gamma) = parameters;
            double n = Customers;
            var ll = (-n * LogGamma(q)) + (n * q * Math.Log(gamma)) + (p * sumXLogM) - sumLogM + (p * sumXLogX);
            var dp = sumXLogM + sumXLogX;
            var dq = (-n * Digamma(q)) + (n * Math.Log(gamma));
            var dGamma = n * q / gamma;
            for (var k = 0; k < distinctX.Length; k++)
            {
                var px = p * distinctX[k];
                var psiTotal = Digamma(px + q);
                ll += countOfX[k] * (LogGamma(px + q) - LogGamma(px));
                dp += countOfX[k] * distinctX[k] * (psiTotal - Digamma(px));
                dq += countOfX[k] * psiTotal;
            }

            var chunks = (Customers + ChunkSize - 1) / ChunkSize;
            var partials = new (double XLog, double Log, double XInverse, double Inverse)[chunks];
            void Chunk(int c)
            {
                double xLog = 0, log = 0, xInverse = 0, inverse = 0;
                for (var i = c * ChunkSize; i < Math.Min(Customers, (c + 1) * ChunkSize); i++)
                {
                    var total = gamma + rowXm[i];
                    var l = Math.Log(total);
                    var inv = 1.0 / total;
                    xLog += rowX[i] * l;
                    log += l;
                    xInverse += rowX[i] * inv;
                    inverse += inv;
                }

                partials[c] = (xLog, log, xInverse, inverse);
            }

            if (chunks > 1)
            {
                Parallel.For(0, chunks, Chunk);
            }
            else if (chunks == 1)
            {
                Chunk(0);
            }

            // In chunk order, so the sum does not depend on thread scheduling.
            foreach (var (xLog, log, xInverse, inverse) in partials)
            {
                ll -= (p * xLog) + (q * log);
                dp -= xLog;
                dq -= log;
                dGamma -= (p * xInverse) + (q * inverse);
            }

            gradient[0] = dp;
            gradient[1] = dq;
            gradient[2] = dGamma;
            return ll;
        }
    }
}

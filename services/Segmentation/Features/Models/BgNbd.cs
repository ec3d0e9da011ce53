using Platform.Numerics;
using static Platform.Numerics.SpecialFunctions;

namespace Segmentation.Features.Models;

/// <summary>BG/NBD parameters: purchase rates λ ~ Gamma(shape R, rate Alpha) per time unit, dropout probability after each repeat purchase p ~ Beta(A, B).</summary>
public readonly record struct BgNbdParameters(double R, double Alpha, double A, double B)
{
    /// <summary>Throws unless all four parameters are positive and finite.</summary>
    public void Validate()
    {
        if (!(R > 0 && Alpha > 0 && A > 0 && B > 0) || !double.IsFinite(R + Alpha + A + B))
        {
            throw new ArgumentException($"BG/NBD parameters must be positive and finite, were {this}.");
        }
    }
}

/// <summary>
/// Maximum-likelihood BG/NBD fit: parameters, total log-likelihood, customers, optimizer iterations and the verdict
/// (converged, or degenerate / failed with the reason, e.g. nobody repeats); only a converged fit is used.
/// </summary>
public sealed record BgNbdFit(BgNbdParameters Parameters, double LogLikelihood, int Customers, int Iterations, FitVerdict Verdict)
{
    /// <summary>True when the verdict is <see cref="FitStatus.Converged"/>.</summary>
    public bool Converged => Verdict.Status == FitStatus.Converged;
}

/// <summary>The BG/NBD model of Fader, Hardie &amp; Lee (2005): likelihood, maximum-likelihood fit, P(alive), conditional expected purchases, simulation.</summary>
public static class BgNbd
{
    /// <summary>Fewer customers than this cannot determine four parameters: the fit is degenerate.</summary>
    public const int MinimumCustomers = 10;

    private const int MaxIterations = 300;
    private static readonly string[] Names = ["r", "α", "a", "b"];

    /// <summary>One customer's log-likelihood ln L(r, α, a, b | x, t_x, T), in the overflow-free log-sum-exp form.</summary>
    public static double LogLikelihood(BgNbdParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        history.Validate();
        var (r, alpha, a, b) = parameters;
        var x = history.Frequency;
        var common = LogGamma(r + x) - LogGamma(r) + (r * Math.Log(alpha))
            + LogGamma(a + b) + LogGamma(b + x) - LogGamma(b) - LogGamma(a + b + x);
        var (survived, droppedOut) = BranchLogs(parameters, history);
        return common + LogSumExp(survived, droppedOut);
    }

    /// <summary>Total log-likelihood of a data set (the same weighted, parallel evaluation the fit uses).</summary>
    public static double LogLikelihood(BgNbdParameters parameters, IReadOnlyList<PurchaseHistory> histories)
    {
        parameters.Validate();
        return new BgNbdLikelihood(histories).Evaluate(parameters, stackalloc double[4]);
    }

    /// <summary>∂ ln L / ∂(r, α, a, b) for one customer, returned in the fields R, Alpha, A, B.</summary>
    public static BgNbdParameters LogLikelihoodGradient(BgNbdParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        history.Validate();
        var (r, alpha, a, b) = parameters;
        var x = history.Frequency;
        var (survived, droppedOut) = BranchLogs(parameters, history);
        var total = LogSumExp(survived, droppedOut);
        // Each branch's share of the likelihood weights its own derivatives.
        var wSurvived = Math.Exp(survived - total);
        var wDropped = x > 0 ? Math.Exp(droppedOut - total) : 0.0;
        var logT = Math.Log(alpha + history.Age);
        var logTx = Math.Log(alpha + history.Recency);
        var dr = Digamma(r + x) - Digamma(r) + Math.Log(alpha) - (wSurvived * logT) - (wDropped * logTx);
        var dAlpha = (r / alpha) - ((r + x) * ((wSurvived / (alpha + history.Age)) + (wDropped / (alpha + history.Recency))));
        var psiAb = Digamma(a + b) - Digamma(a + b + x);
        var da = psiAb + (wDropped / a);
        var db = psiAb + Digamma(b + x) - Digamma(b) - (x > 0 ? wDropped / (b + x - 1) : 0.0);
        return new BgNbdParameters(dr, dAlpha, da, db);
    }

    /// <summary>∂ ln L / ∂(r, α, a, b) summed over a data set (the fit's evaluation), returned in the fields R, Alpha, A, B.</summary>
    public static BgNbdParameters LogLikelihoodGradient(BgNbdParameters parameters, IReadOnlyList<PurchaseHistory> histories)
    {
        parameters.Validate();
        Span<double> gradient = stackalloc double[4];
        _ = new BgNbdLikelihood(histories).Evaluate(parameters, gradient);
        return new BgNbdParameters(gradient[0], gradient[1], gradient[2], gradient[3]);
    }

    /// <summary>Maximum-likelihood fit over log-parameters (BFGS with analytic gradient, Nelder–Mead fallback); identical histories are collapsed into weighted rows.</summary>
    public static BgNbdFit Fit(IReadOnlyList<PurchaseHistory> histories, CancellationToken cancellationToken = default)
    {
        var data = new BgNbdLikelihood(histories);
        if (data.Customers == 0)
        {
            throw new ArgumentException("Cannot fit the BG/NBD model to no customers.", nameof(histories));
        }

        // Start at r = a = b = 1 with α matching the mean repeat rate, so the start is right in any time unit.
        var alpha0 = data.TotalFrequency > 0 ? data.TotalAge / data.TotalFrequency : Math.Max(data.TotalAge / data.Customers, 1.0);
        var start = new[] { 0.0, Math.Log(alpha0), 0.0, 0.0 };
        var scale = 1.0 / data.Customers;
        double Objective(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            var p = new BgNbdParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]), Math.Exp(theta[3]));
            if (!(p.R > 0 && p.Alpha > 0 && p.A > 0 && p.B > 0) || !double.IsFinite(p.R + p.Alpha + p.A + p.B))
            {
                return double.PositiveInfinity;
            }

            var ll = data.Evaluate(p, gradient);
            // Chain rule to log-parameters; the mean per customer keeps the optimizer's tolerances scale-free.
            gradient[0] *= -p.R * scale;
            gradient[1] *= -p.Alpha * scale;
            gradient[2] *= -p.A * scale;
            gradient[3] *= -p.B * scale;
            return double.IsFinite(ll) ? -ll * scale : double.PositiveInfinity;
        }

        var result = Optimizer.Minimize(Objective, start, MaxIterations, cancellationToken);
        var theta = result.Point;
        var fitted = new BgNbdParameters(Math.Exp(theta[0]), Math.Exp(theta[1]), Math.Exp(theta[2]), Math.Exp(theta[3]));
        // Without a single repeat purchase the likelihood only rises towards r → 0 while its gradient fades,
        // which can pass the gradient test well inside the parameter bounds: no estimate exists.
        var verdict = data.Customers < MinimumCustomers
            ? FitVerdict.Degenerate($"only {data.Customers} customers; at least {MinimumCustomers} are needed to estimate r, α, a and b")
            : data.TotalFrequency == 0
            ? FitVerdict.Degenerate("no customer made a repeat purchase, so the purchase and dropout rates are not identified")
            : FitCheck.Judge(Objective, result, Names);
        return new BgNbdFit(fitted, -result.Value * data.Customers, data.Customers, result.Iterations, verdict);
    }

    /// <summary>P(alive | x, t_x, T): 1 for x = 0, because the model lets customers drop out only right after a repeat purchase.</summary>
    public static double ProbabilityAlive(BgNbdParameters parameters, PurchaseHistory history)
    {
        parameters.Validate();
        history.Validate();
        return AliveProbability(parameters, history);
    }

    /// <summary>Conditional expected purchases in (T, T + horizon] given the history (FHL 2005 eq. 10), horizon in the history's time unit.</summary>
    public static double ExpectedPurchases(BgNbdParameters parameters, PurchaseHistory history, double horizon)
    {
        parameters.Validate();
        history.Validate();
        if (!(horizon >= 0) || double.IsPositiveInfinity(horizon))
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), $"Horizon must be finite and ≥ 0, was {horizon}.");
        }

        return ExpectedPurchasesUnchecked(parameters, history, horizon, AliveProbability(parameters, history));
    }

    /// <summary>Simulates <paramref name="customers"/> histories of age <paramref name="age"/> from the BG/NBD process; the same seed gives the same histories.</summary>
    public static PurchaseHistory[] Simulate(BgNbdParameters parameters, int customers, double age, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(customers);
        var ages = new double[customers];
        Array.Fill(ages, age);
        return Simulate(parameters, ages, seed);
    }

    /// <summary>Simulates one history per entry of <paramref name="ages"/> (age T of each customer) from the BG/NBD process; deterministic for a seed.</summary>
    public static PurchaseHistory[] Simulate(BgNbdParameters parameters, ReadOnlySpan<double> ages, int seed)
    {
        parameters.Validate();
        var random = new Random(seed);
        var histories = new PurchaseHistory[ages.Length];
        for (var i = 0; i < ages.Length; i++)
        {
            var age = ages[i];
            if (!(age >= 0) || !double.IsFinite(age))
            {
                throw new ArgumentOutOfRangeException(nameof(ages), $"Ages must be finite and ≥ 0, was {age}.");
            }

            var lambda = Sampling.Gamma(random, parameters.R) / parameters.Alpha;
            var dropout = Sampling.Beta(random, parameters.A, parameters.B);
            var time = 0.0;
            var frequency = 0;
            var recency = 0.0;
            // Purchases arrive as a Poisson process at rate λ; after each repeat purchase the customer leaves with probability p.
            while (lambda > 0)
            {
                time += Sampling.Exponential(random) / lambda;
                if (time > age)
                {
                    break;
                }

                frequency++;
                recency = time;
                if (Sampling.Uniform(random) < dropout)
                {
                    break;
                }
            }

            histories[i] = new PurchaseHistory(frequency, recency, age);
        }

        return histories;
    }

    /// <summary>E[purchases in (T, T+t]] with P(alive) already known; no argument checks.</summary>
    internal static double ExpectedPurchasesUnchecked(BgNbdParameters parameters, PurchaseHistory history, double horizon, double alive)
    {
        if (horizon == 0 || alive == 0)
        {
            return 0.0;
        }

        var (r, alpha, a, b) = parameters;
        var x = history.Frequency;
        var ageAlpha = alpha + history.Age;
        var z = horizon / (ageAlpha + horizon);
        var logOneMinusZ = -Log1P(horizon / ageAlpha);
        // Eq. 10 is (c / (a-1)) [1 − (1−z)^(r+x) 2F1(r+x, b+x; c; z)] P(alive) with c = a+b+x−1. Euler's
        // transformation turns (1−z)^(r+x) 2F1(...) into (1−z)^(a−1) 2F1(c−r−x, a−1; c; z), whose numerator
        // parameters no longer grow with x. Writing that 2F1 as 1 + (a−1) S removes the 0/0 at a = 1:
        // [1 − (1−z)^(a−1) (1 + (a−1) S)] / (a−1) = −expm1((a−1) ln(1−z)) / (a−1) − (1−z)^(a−1) S.
        var c = a + b + x - 1;
        var upper = a + b - 1 - r;
        var lower = a - 1;
        var s = SumSeries(upper, lower, c, z, 1, upper * z / c);
        var exponent = lower * logOneMinusZ;
        var first = lower == 0 ? -logOneMinusZ : -ExpM1(exponent) / lower;
        return c * (first - (Math.Exp(exponent) * s)) * alive;
    }

    internal static double AliveProbability(BgNbdParameters parameters, PurchaseHistory history)
    {
        var x = history.Frequency;
        if (x == 0)
        {
            return 1.0;
        }

        var (r, alpha, a, b) = parameters;
        // 1 / (1 + e^l) with l possibly in the thousands: e^l → ∞ gives 0, never NaN.
        var logOdds = Math.Log(a) - Math.Log(b + x - 1) + ((r + x) * (Math.Log(alpha + history.Age) - Math.Log(alpha + history.Recency)));
        return 1.0 / (1.0 + Math.Exp(logOdds));
    }

    /// <summary>Logs of the two likelihood branches beyond the common factor: still active at T, or dropped out right after t_x (−∞ when x = 0).</summary>
    private static (double Survived, double DroppedOut) BranchLogs(BgNbdParameters parameters, PurchaseHistory history)
    {
        var (r, alpha, a, b) = parameters;
        var x = history.Frequency;
        var survived = -(r + x) * Math.Log(alpha + history.Age);
        var droppedOut = x > 0
            ? Math.Log(a) - Math.Log(b + x - 1) - ((r + x) * Math.Log(alpha + history.Recency))
            : double.NegativeInfinity;
        return (survived, droppedOut);
    }
}

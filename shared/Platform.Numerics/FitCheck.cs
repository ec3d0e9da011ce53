using System.Globalization;

namespace Platform.Numerics;

/// <summary>
/// Judges a maximum-likelihood fit made by <see cref="Optimizer"/> over log-parameters from the estimates alone: a
/// parameter at the edge of the search space or a flat (singular) likelihood makes it degenerate, a stalled optimizer
/// or a non-finite likelihood makes it failed. Models add what only their data can tell (e.g. nobody repeats).
/// </summary>
public static class FitCheck
{
    /// <summary>
    /// Log-parameters beyond ±ln 10⁶ are at the edge: lifetime-model parameters live within a few orders of magnitude
    /// of 1 in any sensible unit, and one running past 10⁶ (or below 10⁻⁶) is the optimizer walking towards a limit.
    /// </summary>
    public static readonly double EdgeLog = Math.Log(1e6);

    /// <summary>
    /// The verdict on <paramref name="result"/>, a minimum of <paramref name="objective"/> (the negative log-likelihood
    /// over log-parameters named <paramref name="names"/>, in order).
    /// </summary>
    public static FitVerdict Judge(Objective objective, OptimizerResult result, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(names);
        if (!double.IsFinite(result.Value) || result.Point.Any(v => !double.IsFinite(v)))
        {
            return FitVerdict.Failed("the likelihood is not finite at the estimate");
        }

        var atEdge = result.Point.Select((v, i) => (Value: v, Name: names[i])).Where(p => Math.Abs(p.Value) > EdgeLog).ToList();
        if (atEdge.Count > 0)
        {
            var which = string.Join(", ", atEdge.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} = {Math.Exp(p.Value):G3}")));
            return FitVerdict.Degenerate($"{which} ran to the edge of the search space (1e-6 … 1e6): the likelihood has no interior maximum");
        }

        if (!result.Converged)
        {
            return FitVerdict.Failed($"the optimizer did not converge in {result.Iterations} iterations");
        }

        return Curvature.Problem(objective, result.Point) is { } problem ? FitVerdict.Degenerate(problem) : FitVerdict.Converged;
    }
}

namespace Platform.Numerics.Statistics;

/// <summary>
/// Sufficient statistics of one arm for a per-unit outcome y (and optionally a covariate x): units n, Σy, Σy² and, for
/// CUPED, Σx, Σx², Σxy. A 0/1 outcome (a rate) has Σy² = Σy.
/// </summary>
public readonly record struct Moments(double Units, double Sum, double SumOfSquares, double CovariateSum = 0, double CovariateSumOfSquares = 0, double CrossProducts = 0)
{
    /// <summary>Mean of y (NaN without units).</summary>
    public double Mean => Sum / Units;

    /// <summary>Sample variance of y (n − 1 in the denominator; NaN below two units).</summary>
    public double Variance => Units < 2 ? double.NaN : Math.Max(0, (SumOfSquares - (Sum * Sum / Units)) / (Units - 1));

    /// <summary>Adds two arms' statistics (e.g. waves or tiers of one cell).</summary>
    public static Moments operator +(Moments a, Moments b) => new(
        a.Units + b.Units, a.Sum + b.Sum, a.SumOfSquares + b.SumOfSquares,
        a.CovariateSum + b.CovariateSum, a.CovariateSumOfSquares + b.CovariateSumOfSquares, a.CrossProducts + b.CrossProducts);

    /// <summary>Statistics of a 0/1 outcome: <paramref name="successes"/> of <paramref name="units"/>.</summary>
    public static Moments Rate(double units, double successes) => new(units, successes, successes);
}

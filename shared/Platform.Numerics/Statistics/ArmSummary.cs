namespace Platform.Numerics.Statistics;

/// <summary>One arm reduced to what a comparison needs: units, mean and the variance of one unit's outcome.</summary>
/// <param name="Units">Units n.</param>
/// <param name="Mean">Mean outcome (a rate for 0/1 outcomes).</param>
/// <param name="Variance">Variance of one unit's outcome (n − 1 denominator for means, n for rates, as each method uses it).</param>
public readonly record struct ArmSummary(double Units, double Mean, double Variance);

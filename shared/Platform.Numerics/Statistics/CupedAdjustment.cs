namespace Platform.Numerics.Statistics;

/// <summary>
/// What CUPED did to two arms (see <see cref="Comparisons.CupedAdjust"/>): θ, the pooled covariate mean x̄, each arm's
/// adjusted mean and variance (sample variance, n − 1), and the share of the variance of the difference it removed.
/// </summary>
/// <param name="Theta">θ = pooled within-arm cov(x, y) / pooled within-arm var(x).</param>
/// <param name="CovariateMean">x̄, the covariate's mean over both arms.</param>
/// <param name="Control">Control's adjusted units, mean and variance.</param>
/// <param name="Treatment">Treatment's adjusted units, mean and variance.</param>
/// <param name="VarianceReduction">1 − Var(adjusted difference) / Var(unadjusted difference) (0 when nothing is removed; negative if the covariate hurt).</param>
public sealed record CupedAdjustment(double Theta, double CovariateMean, ArmSummary Control, ArmSummary Treatment, double VarianceReduction);

namespace Measurement.Features.Calculator;

/// <summary>
/// The CUPED-adjusted comparison beside the unadjusted one: θ, the pooled covariate mean, the adjusted arms' variances,
/// the share of the variance of the difference removed, and the comparison on the adjusted outcome.
/// </summary>
public sealed record CupedView(double Theta, double CovariateMean, double ControlVariance, double TreatmentVariance, double VarianceReduction, LiftView Lift);

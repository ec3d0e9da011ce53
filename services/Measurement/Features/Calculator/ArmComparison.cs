namespace Measurement.Features.Calculator;

/// <summary>A treatment arm against the control: unadjusted, and CUPED-adjusted when the covariate was given.</summary>
public sealed record ArmComparison(string Name, double Units, LiftView Lift, CupedView? Cuped);

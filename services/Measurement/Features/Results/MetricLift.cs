namespace Measurement.Features.Results;

/// <summary>
/// One metric of one cell against control, unadjusted and CUPED-adjusted (covariate: the member's net revenue in the 365
/// days before launch); <see cref="Unavailable"/> says why a comparison could not be made (then both are null).
/// </summary>
public sealed record MetricLift(string Metric, LiftView? Unadjusted, LiftView? Cuped, string? Unavailable);

namespace Measurement.Features.Results;

/// <summary>A cell's members still buying 90 days or more after their window started, with the test against control.</summary>
public sealed record RetentionCell(string Cell, long Members, long Active, Estimate Rate, LiftView? Lift);

namespace Measurement.Features.Results;

/// <summary>
/// Repeat purchase within <see cref="Days"/> of the first purchase, among the acquired whose first purchase is at least
/// that old (<see cref="Matured"/>); <see cref="Lift"/> against control's organically converted cohort when it has one.
/// </summary>
public sealed record RepeatFigure(int Days, long Matured, long Repeaters, Estimate Rate, LiftView? Lift);

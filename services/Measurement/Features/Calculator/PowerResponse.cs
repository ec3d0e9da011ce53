namespace Measurement.Features.Calculator;

/// <summary>
/// Answer of <c>POST /v1/stats/power</c>: for sizes, the minimum detectable absolute lift (and relative, when a baseline
/// is known), null when no lift is detectable; for a lift, the units needed per arm (equal arms, not rounded).
/// </summary>
public sealed record PowerResponse(
    string Metric,
    double Power,
    double Alpha,
    double? ControlSize,
    double? TreatedSize,
    double? MinimumDetectableLift,
    double? MinimumDetectableRelativeLift,
    double? Lift,
    double? SizePerArm,
    string Method);

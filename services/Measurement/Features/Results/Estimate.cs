namespace Measurement.Features.Results;

/// <summary>One figure: its value (null when undefined), its interval (null when none can be given) and how both were made.</summary>
public sealed record Estimate(double? Value, IntervalView? Interval, string Method);

namespace Measurement.Features.Results;

/// <summary>A minimum detectable lift: the baseline it is over (control's observed value), absolute and relative; null when none is detectable.</summary>
public sealed record DetectableFigure(double? Baseline, double? Absolute, double? Relative);

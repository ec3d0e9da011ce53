namespace Measurement.Features.Results;

/// <summary>
/// A cell against control for one metric: both arms' means, the absolute lift (treatment − control) with its
/// fixed-horizon and always-valid (sequential) intervals, the relative lift (treatment / control − 1) with its interval,
/// the test statistic, the two-sided p-value, the Holm-adjusted p-value across the campaign's cells for this metric, and
/// the always-valid p-value that goes with the sequential interval (below 1 − confidence exactly when it excludes 0).
/// Every part names its method. Values that are undefined (e.g. a relative lift over a zero control) are null.
/// </summary>
public sealed record LiftView(
    double? Control,
    double? Treatment,
    double? Absolute,
    IntervalView AbsoluteInterval,
    IntervalView? SequentialInterval,
    double? Relative,
    IntervalView? RelativeInterval,
    double? StandardError,
    double? Statistic,
    double? DegreesOfFreedom,
    double? PValue,
    double? HolmPValue,
    double? SequentialPValue,
    string Method,
    string RelativeMethod,
    string? SequentialMethod);

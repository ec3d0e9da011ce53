using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>
/// An interval as JSON carries it: an end that is infinite or undefined (a cost per increment when the increment may be
/// zero, an interval with too few units) is null, read as "unbounded" on that side.
/// </summary>
public sealed record IntervalView(double? Lower, double? Upper)
{
    public static IntervalView From(Interval interval) => new(Finite(interval.Lower), Finite(interval.Upper));

    public static IntervalView? From(Interval? interval) => interval is { } i ? From(i) : null;

    /// <summary>Both ends multiplied by <paramref name="factor"/> (a per-customer difference scaled to a cell's members).</summary>
    public static IntervalView Scaled(Interval interval, double factor) => From(new Interval(interval.Lower * factor, interval.Upper * factor));

    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

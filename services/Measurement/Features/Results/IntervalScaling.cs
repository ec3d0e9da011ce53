using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>Scaling of an interval by a positive factor (a per-member difference to a cell's count).</summary>
public static class IntervalScaling
{
    public static Interval Scale(this Interval interval, double factor) => new(interval.Lower * factor, interval.Upper * factor);
}

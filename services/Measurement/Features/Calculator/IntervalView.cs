using Platform.Numerics.Statistics;

namespace Measurement.Features.Calculator;

/// <summary>An interval in an answer; an end that is infinite or undefined is null.</summary>
public sealed record IntervalView(double? Lower, double? Upper)
{
    public static IntervalView? Of(Interval? interval) =>
        interval is { } i ? new IntervalView(LiftView.Finite(i.Lower), LiftView.Finite(i.Upper)) : null;
}

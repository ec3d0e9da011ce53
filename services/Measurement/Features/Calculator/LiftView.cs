using Platform.Numerics.Statistics;

namespace Measurement.Features.Calculator;

/// <summary>
/// One comparison with the control: absolute lift (treatment − control) with its fixed-horizon and always-valid
/// intervals, relative lift (treatment / control − 1) with its interval, the test statistic, degrees of freedom (Welch
/// only), the two-sided p-value, the same after Holm's correction across the treatment arms, and the method in words.
/// </summary>
public sealed record LiftView(
    double ControlMean,
    double TreatmentMean,
    double Absolute,
    IntervalView AbsoluteInterval,
    double StandardError,
    double? Relative,
    IntervalView? RelativeInterval,
    double? Statistic,
    double? DegreesOfFreedom,
    double PValue,
    double PValueHolm,
    IntervalView? SequentialInterval,
    double? SequentialPValue,
    string Method)
{
    public static LiftView Of(Lift lift, double holm)
    {
        ArgumentNullException.ThrowIfNull(lift);
        return new LiftView(lift.Control, lift.Treatment, lift.Absolute, IntervalView.Of(lift.AbsoluteInterval)!, lift.StandardError,
            lift.Relative, IntervalView.Of(lift.RelativeInterval), Finite(lift.Statistic), lift.DegreesOfFreedom, lift.PValue, holm,
            IntervalView.Of(lift.SequentialInterval), lift.SequentialPValue, lift.Method);
    }

    /// <summary>The value, or null when it is infinite or NaN (JSON has no such numbers).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

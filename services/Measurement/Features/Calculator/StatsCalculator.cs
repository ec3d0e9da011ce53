using Platform.Numerics.Statistics;

namespace Measurement.Features.Calculator;

/// <summary>The stateless statistics calculator: validated requests in, answers out. Pure: no I/O.</summary>
public static class StatsCalculator
{
    /// <summary>Every treatment arm against the control (and CUPED-adjusted when the covariate is given), Holm across the arms.</summary>
    public static CompareResponse Compare(CompareInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var isRate = input.Metric == MetricKind.Rate;
        var control = input.Control.Moments;
        var lifts = input.Treatments
            .Select(t => isRate ? Comparisons.Rates(control, t.Moments, input.Options) : Comparisons.Means(control, t.Moments, input.Options))
            .ToList();
        var holm = Holm.Adjust(lifts.Select(l => l.PValue).ToList());
        var cuped = input.HasCovariate
            ? input.Treatments.Select(t => (Adjustment: Comparisons.CupedAdjust(control, t.Moments, isRate), Lift: Comparisons.Cuped(control, t.Moments, isRate, input.Options))).ToList()
            : null;
        var cupedHolm = cuped is null ? null : Holm.Adjust(cuped.Select(c => c.Lift.PValue).ToList());

        var arms = input.Treatments.Select((t, i) => new ArmComparison(
            t.Name,
            t.Moments.Units,
            LiftView.Of(lifts[i], holm[i]),
            cuped is null ? null : new CupedView(cuped[i].Adjustment.Theta, cuped[i].Adjustment.CovariateMean, cuped[i].Adjustment.Control.Variance,
                cuped[i].Adjustment.Treatment.Variance, cuped[i].Adjustment.VarianceReduction, LiftView.Of(cuped[i].Lift, cupedHolm![i]))))
            .ToList();
        var family = arms.Count == 1 ? "one treatment arm: Holm changes nothing"
            : $"Holm's step-down correction across the {arms.Count} treatment arms (pValueHolm){(cuped is null ? "" : ", separately for the CUPED-adjusted p-values")}";
        return new CompareResponse(isRate ? "rate" : "mean", input.Options.Confidence, input.Options.SequentialTuning!.Value,
            new ArmView(input.Control.Name, control.Units, control.Mean), arms, family);
    }

    /// <summary>The minimum detectable lift for the sizes given, or the size per arm for the lift given.</summary>
    public static PowerResponse Power(PowerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var isRate = input.Metric == MetricKind.Rate;
        var method = isRate
            ? "two-sided two-proportion z-test, Fleiss' approximation (pooled variance under the null, unpooled under the alternative, no continuity correction)"
            : "two-sided z-test of two means with the same standard deviation (both tails counted)";
        if (input.Lift is { } lift)
        {
            var size = isRate
                ? Platform.Numerics.Statistics.Power.RateSizePerArm(input.Baseline!.Value, lift, input.Power, input.Alpha)
                : Platform.Numerics.Statistics.Power.MeanSizePerArm(input.StandardDeviation!.Value, lift, input.Power, input.Alpha);
            return new PowerResponse(isRate ? "rate" : "mean", input.Power, input.Alpha, null, null, null, null, lift, size, method);
        }

        var (control, treated) = (input.ControlSize!.Value, input.TreatedSize!.Value);
        var mde = isRate
            ? Platform.Numerics.Statistics.Power.MinimumDetectableRateLift(input.Baseline!.Value, control, treated, input.Power, input.Alpha)
            : Platform.Numerics.Statistics.Power.MinimumDetectableMeanLift(input.StandardDeviation!.Value, control, treated, input.Power, input.Alpha);
        double? relative = mde is { } m && input.Baseline is { } b ? m / b : null;
        return new PowerResponse(isRate ? "rate" : "mean", input.Power, input.Alpha, control, treated, mde, relative, null, null,
            mde is null ? method + "; no lift is detectable with groups this small" : method);
    }

    /// <summary>Chi-square test of the observed counts against the designed shares.</summary>
    public static SrmResponse SampleRatioMismatch(double[] observed, double[] shares)
    {
        var test = SampleRatio.Test(observed, shares);
        return new SrmResponse(test.ChiSquare, test.DegreesOfFreedom, test.PValue, test.Expected, test.Mismatch, SampleRatio.Threshold,
            $"chi-square goodness of fit with {test.DegreesOfFreedom} degrees of freedom; a mismatch is flagged when p < {SampleRatio.Threshold}");
    }
}

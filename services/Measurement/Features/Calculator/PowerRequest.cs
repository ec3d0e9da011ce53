using System.ComponentModel;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Measurement.Features.Calculator;

/// <summary>
/// Body of <c>POST /v1/stats/power</c>: the minimum detectable lift for given group sizes, or the size per arm (equal
/// arms) for a given lift; for a rate or a mean.
/// </summary>
public sealed record PowerRequest
{
    [Description("rate or mean.")]
    public string? Metric { get; init; }

    [Description("Rate: the control's expected rate, above 0 and below 1 (required). Mean: the control's expected mean, above 0 (optional; gives the relative lift).")]
    public double? Baseline { get; init; }

    [Description("Mean: the standard deviation of one unit's outcome, above 0 (required for a mean; not given for a rate).")]
    public double? StandardDeviation { get; init; }

    [Description("Units in the control: with treatedSize, asks for the minimum detectable lift.")]
    public double? ControlSize { get; init; }

    [Description("Units in the treated group.")]
    public double? TreatedSize { get; init; }

    [Description("An ABSOLUTE lift (treated − control) to detect, above 0: asks for the size per arm instead.")]
    public double? Lift { get; init; }

    [Description("Power, from 0.5 to below 1; default 0.8.")]
    public double? Power { get; init; }

    [Description("Significance level of the two-sided test, above 0 and at most 0.5; default 0.05.")]
    public double? Alpha { get; init; }

    /// <summary>The validated input, or null with every bad field recorded.</summary>
    public static PowerInput? Validate(PowerRequest? request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (request is null)
        {
            errors.Add("body", "a power object is required");
            return null;
        }

        MetricKind? metric = request.Metric switch
        {
            "rate" => MetricKind.Rate,
            "mean" => MetricKind.Mean,
            _ => null,
        };
        if (metric is null)
        {
            errors.Add("metric", "must be rate or mean");
        }

        var baseline = request.Baseline;
        double? sd = null;
        if (metric == MetricKind.Rate)
        {
            if (baseline is not { } b || !(b > 0 && b < 1))
            {
                errors.Add("baseline", "is required for a rate: above 0 and below 1");
            }

            if (request.StandardDeviation is not null)
            {
                errors.Add("standardDeviation", "must not be given for a rate (its variance follows from the baseline)");
            }
        }
        else if (metric == MetricKind.Mean)
        {
            if (baseline is { } b && !(b > 0 && b <= Numbers.MaxMagnitude))
            {
                errors.Add("baseline", "must be above 0 (a mean, for the relative lift)");
            }

            sd = Numbers.Finite(errors, "standardDeviation", request.StandardDeviation, nonNegative: true);
            if (sd is 0)
            {
                errors.Add("standardDeviation", "must be above 0");
            }
        }

        var sizes = request.ControlSize is not null || request.TreatedSize is not null;
        double? control = null, treated = null, lift = null;
        if (sizes && request.Lift is not null)
        {
            errors.Add("lift", "give either controlSize and treatedSize (for the minimum detectable lift) or lift (for the size per arm), not both");
        }
        else if (sizes)
        {
            control = Numbers.Count(errors, "controlSize", request.ControlSize, 1);
            treated = Numbers.Count(errors, "treatedSize", request.TreatedSize, 1);
        }
        else if (request.Lift is { } l)
        {
            lift = l;
            if (!(l > 0) || !double.IsFinite(l) || l > Numbers.MaxMagnitude)
            {
                errors.Add("lift", "must be above 0 (an absolute lift)");
            }
            else if (metric == MetricKind.Rate && baseline is > 0 and < 1 && baseline + l > 1)
            {
                errors.Add("lift", "would put the treated rate above 1");
            }
        }
        else
        {
            errors.Add("controlSize", "give controlSize and treatedSize (for the minimum detectable lift) or lift (for the size per arm)");
        }

        var (power, alpha) = TestPower.Check(errors, request.Power, request.Alpha);

        return errors.HasErrors ? null : new PowerInput(metric!.Value, baseline, sd, control, treated, lift, power, alpha);
    }
}

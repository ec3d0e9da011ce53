using System.ComponentModel;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Campaigns.Features.Preview;

/// <summary>What a plan preview assumes (<c>POST /v1/campaigns/{id}/preview</c>).</summary>
public sealed record PreviewRequest
{
    [Description("Response rate expected without the campaign (the control group's), above 0 and below 1, e.g. 0.02.")]
    public double? BaselineResponseRate { get; init; }

    [Description("Optional: a RELATIVE lift over the baseline to detect, e.g. 0.25 = a treated rate 25% above baseline; the preview then says what control share detects it.")]
    public double? RelativeLiftToDetect { get; init; }

    [Description("Power of the test, from 0.5 to below 1; default 0.8.")]
    public double? Power { get; init; }

    [Description("Significance level of the two-sided test, above 0 and at most 0.5; default 0.05.")]
    public double? Alpha { get; init; }

    /// <summary>The parameters with defaults applied, or null with each bad field recorded.</summary>
    public static PreviewParameters? Validate(PreviewRequest? request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (request is null)
        {
            errors.Add("body", "a preview object is required");
            return null;
        }

        var baseline = request.BaselineResponseRate;
        if (baseline is null)
        {
            errors.Add("baselineResponseRate", "is required");
        }
        else if (!(baseline > 0 && baseline < 1))
        {
            errors.Add("baselineResponseRate", "must be above 0 and below 1");
        }

        var lift = request.RelativeLiftToDetect;
        if (lift is not null && !(lift > 0))
        {
            errors.Add("relativeLiftToDetect", "must be above 0");
        }
        else if (lift is { } l && baseline is > 0 and < 1 && baseline * (1 + l) > 1)
        {
            errors.Add("relativeLiftToDetect", "would put the treated response rate above 1");
        }

        var (power, alpha) = TestPower.Check(errors, request.Power, request.Alpha);

        return errors.HasErrors ? null : new PreviewParameters(baseline!.Value, lift, power, alpha);
    }
}

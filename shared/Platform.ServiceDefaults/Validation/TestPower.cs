namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// The power and significance level a request may ask a power calculation for (Campaigns' plan preview, Measurement's
/// statistics calculator): one rule and one set of defaults for both.
/// </summary>
public static class TestPower
{
    /// <summary>Power when none is given.</summary>
    public const double DefaultPower = 0.8;

    /// <summary>Two-sided significance level when none is given.</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>Power from 0.5 to below 1 and alpha above 0 and at most 0.5, defaults applied; each bad field recorded.</summary>
    public static (double Power, double Alpha) Check(ValidationErrors errors, double? power, double? alpha)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var p = power ?? DefaultPower;
        if (!(p >= 0.5 && p < 1))
        {
            errors.Add("power", "must be from 0.5 to below 1");
        }

        var a = alpha ?? DefaultAlpha;
        if (!(a > 0 && a <= 0.5))
        {
            errors.Add("alpha", "must be above 0 and at most 0.5");
        }

        return (p, a);
    }
}

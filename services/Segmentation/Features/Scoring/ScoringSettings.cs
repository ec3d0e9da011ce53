using Platform.ServiceDefaults;

namespace Segmentation.Features.Scoring;

/// <summary>
/// This business's choices for scoring, stored in <c>scoring_settings</c> and copied into every run. Every value has a
/// documented default; <see cref="Validate"/> names each bad field.
/// </summary>
public sealed record ScoringSettings
{
    /// <summary>What value tiers rank customers by: <c>net_revenue</c>, <c>margin</c> or <c>clv</c> (needs a model fit).</summary>
    public string ValueMeasure { get; init; } = "net_revenue";

    /// <summary>Share of valued customers in the top tier.</summary>
    public double TopTierShare { get; init; } = 0.10;

    /// <summary>Share in the middle tier (the rest is the bottom tier).</summary>
    public double MiddleTierShare { get; init; } = 0.40;

    /// <summary>A deal seeker has at least this many orders...</summary>
    public int DealSeekerMinOrders { get; init; } = 3;

    /// <summary>...and at least this share of them bought with a discount or a promotion code.</summary>
    public double DealSeekerMinDiscountedShare { get; init; } = 0.6;

    /// <summary>P(alive) below this is high churn risk.</summary>
    public double HighChurnRiskBelow { get; init; } = 0.3;

    /// <summary>P(alive) below this (and not high) is medium churn risk; the rest is low.</summary>
    public double MediumChurnRiskBelow { get; init; } = 0.7;

    /// <summary>Margin rate assumed for orders whose cost is unknown.</summary>
    public double DefaultMarginRate { get; init; } = 0.3;

    /// <summary>Model CLV horizon in days (expected purchases over this span after the as-of date).</summary>
    public int ClvHorizonDays { get; init; } = 365;

    /// <summary>Yearly discount rate for CLV (both ways).</summary>
    public double AnnualDiscountRate { get; init; } = 0.10;

    /// <summary>Inputs of the economics CLV formula.</summary>
    public EconomicsInputs Economics { get; init; } = new();

    /// <summary>Adds an error for each out-of-range value (prefix e.g. "settings.").</summary>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (ValueMeasure is not ("net_revenue" or "margin" or "clv"))
        {
            errors.Add("valueMeasure", "must be net_revenue, margin or clv");
        }

        Share(errors, "topTierShare", TopTierShare, allowZero: false);
        Share(errors, "middleTierShare", MiddleTierShare, allowZero: true);
        if (TopTierShare + MiddleTierShare > 1)
        {
            errors.Add("middleTierShare", "topTierShare + middleTierShare must be at most 1");
        }

        if (DealSeekerMinOrders < 1)
        {
            errors.Add("dealSeekerMinOrders", "must be at least 1");
        }

        Share(errors, "dealSeekerMinDiscountedShare", DealSeekerMinDiscountedShare, allowZero: false);
        Share(errors, "highChurnRiskBelow", HighChurnRiskBelow, allowZero: true);
        Share(errors, "mediumChurnRiskBelow", MediumChurnRiskBelow, allowZero: true);
        if (MediumChurnRiskBelow < HighChurnRiskBelow)
        {
            errors.Add("mediumChurnRiskBelow", "must be at least highChurnRiskBelow");
        }

        Share(errors, "defaultMarginRate", DefaultMarginRate, allowZero: true);
        if (ClvHorizonDays is < 1 or > 3650)
        {
            errors.Add("clvHorizonDays", "must be between 1 and 3650");
        }

        Rate(errors, "annualDiscountRate", AnnualDiscountRate);
        if (Economics is null)
        {
            errors.Add("economics", "is required");
        }
        else
        {
            Economics.Validate(errors.WithPrefix("economics."));
        }
    }

    internal static void Share(ValidationErrors errors, string field, double value, bool allowZero)
    {
        if (!double.IsFinite(value) || value > 1 || value < 0 || (!allowZero && value == 0))
        {
            errors.Add(field, allowZero ? "must be between 0 and 1" : "must be greater than 0 and at most 1");
        }
    }

    internal static void Rate(ValidationErrors errors, string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 10)
        {
            errors.Add(field, "must be between 0 and 10 (0.1 = 10%)");
        }
    }
}

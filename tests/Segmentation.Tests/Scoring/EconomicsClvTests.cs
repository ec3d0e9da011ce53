using Platform.ServiceDefaults;
using Segmentation.Features.Scoring;

namespace Segmentation.Tests.Scoring;

public sealed class EconomicsClvTests
{
    private static readonly EconomicsInputs Inputs = new()
    {
        RetentionRate = 0.6, ReferralRate = 0.1, AcquisitionCost = 50, MarketingCostPerYear = 5, HorizonYears = 3,
    };

    [Fact]
    public void Compute_FollowsTheYearTable()
    {
        var result = EconomicsClv.Compute(Inputs, annualDiscountRate: 0.1, ordersPerYear: 2, averageOrderSize: 100, productCostRate: 0.6);

        // Year t: active 0.6^(t-1); revenue = active x 2 x 100 x 1.1 (referrals); profit = revenue x 0.4 - active x 5.
        double[] profit = [88 - 5, (88 - 5) * 0.6, (88 - 5) * 0.36];
        var expected = profit.Select((p, i) => p / Math.Pow(1.1, i + 1)).Sum();
        Assert.Equal(3, result.Years.Count);
        Assert.Equal(220, result.Years[0].Revenue, 9);
        Assert.Equal(0.36, result.Years[2].ActiveShare, 12);
        Assert.Equal(expected, result.LifetimeValue, 9);
        Assert.Equal(expected - 50, result.LifetimeValueAfterAcquisition, 9);
        Assert.Equal(result.LifetimeValue, result.Years[^1].CumulativeDiscountedProfit, 9);
        Assert.Same(Inputs, result.Inputs);
    }

    [Fact]
    public void YearFactor_TimesYearlyContribution_EqualsTheTable()
    {
        var result = EconomicsClv.Compute(Inputs, 0.1, ordersPerYear: 3, averageOrderSize: 40, productCostRate: 0.5);
        var contribution = 3 * 40 * 1.1 * 0.5 - 5;

        Assert.Equal(result.LifetimeValue, contribution * EconomicsClv.YearFactor(Inputs, 0.1), 9);
    }

    [Fact]
    public void HigherDiscountRateOrLowerRetention_GivesLowerValue()
    {
        var baseline = EconomicsClv.Compute(Inputs, 0.1, 2, 100, 0.6).LifetimeValue;

        Assert.True(EconomicsClv.Compute(Inputs, 0.2, 2, 100, 0.6).LifetimeValue < baseline);
        Assert.True(EconomicsClv.Compute(Inputs with { RetentionRate = 0.3 }, 0.1, 2, 100, 0.6).LifetimeValue < baseline);
    }

    [Fact]
    public void Settings_Defaults_AreValid_AndBadValuesAreEachNamed()
    {
        var ok = new ValidationErrors();
        new ScoringSettings().Validate(ok);
        Assert.False(ok.HasErrors);

        var errors = new ValidationErrors();
        new ScoringSettings
        {
            ValueMeasure = "x",
            TopTierShare = 0,
            MiddleTierShare = double.NaN,
            DealSeekerMinOrders = 0,
            HighChurnRiskBelow = 0.8,
            MediumChurnRiskBelow = 0.5,
            ClvHorizonDays = 0,
            Economics = new EconomicsInputs { RetentionRate = 2, HorizonYears = 99, AcquisitionCost = -1 },
        }.Validate(errors);

        var fields = errors.ToDictionary().Keys;
        foreach (var field in new[] { "valueMeasure", "topTierShare", "middleTierShare", "dealSeekerMinOrders", "mediumChurnRiskBelow", "clvHorizonDays", "economics.retentionRate", "economics.horizonYears", "economics.acquisitionCost" })
        {
            Assert.Contains(field, fields);
        }
    }
}

using Segmentation.Features.Models;

namespace Segmentation.Tests.Models;

public sealed class CustomerLifetimeValueTests
{
    private static readonly BgNbdParameters Purchases = Cdnow.PublishedBgNbd;
    private static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);
    private static readonly PurchaseHistory Customer = new(2, 30.43, 38.86, 25.0);
    private const double Month = 52.0 / 12.0;

    [Fact]
    public void Discounted_WithZeroMargin_IsZero() =>
        Assert.Equal(0.0, CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 12, Month, marginRate: 0, discountRatePerPeriod: 0.01));

    [Fact]
    public void Discounted_WithAHigherDiscountRate_IsLower()
    {
        var low = CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 36, Month, 0.3, 0.005);
        var high = CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 36, Month, 0.3, 0.02);
        Assert.True(high < low, $"{high} at 2%/month is not below {low} at 0.5%/month");
        Assert.True(high > 0);
    }

    [Fact]
    public void Discounted_WithoutDiscounting_IsExpectedPurchasesTimesSpendTimesMargin()
    {
        // Undiscounted, the period differences telescope to E[purchases over the whole horizon].
        var purchases = BgNbd.ExpectedPurchases(Purchases, Customer, 12 * Month);
        var spend = GammaGamma.ExpectedAverageSpend(Spend, Customer);
        var clv = CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 12, Month, 0.3, 0);
        Assert.Equal(purchases * spend * 0.3, clv, 1e-9);
    }

    [Fact]
    public void Discounted_OverALongerHorizon_IsHigher()
    {
        var year = CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 12, Month, 0.3, 0.01);
        var threeYears = CustomerLifetimeValue.Discounted(Purchases, Spend, Customer, 36, Month, 0.3, 0.01);
        Assert.True(threeYears > year);
    }

    [Fact]
    public void Discounted_ForALapsedCustomer_IsBelowAnActiveOne()
    {
        var active = CustomerLifetimeValue.Discounted(Purchases, Spend, new PurchaseHistory(5, 38, 39, 25), 12, Month, 0.3, 0.01);
        var lapsed = CustomerLifetimeValue.Discounted(Purchases, Spend, new PurchaseHistory(5, 5, 39, 25), 12, Month, 0.3, 0.01);
        Assert.True(lapsed < active / 3);
    }
}

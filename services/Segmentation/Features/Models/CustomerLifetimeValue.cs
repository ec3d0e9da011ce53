namespace Segmentation.Features.Models;

/// <summary>Customer lifetime value from a fitted BG/NBD (how many purchase days) and Gamma-Gamma (value per purchase day).</summary>
public static class CustomerLifetimeValue
{
    /// <summary>
    /// Σ_{k=1..periods} (E[purchases by k·periodLength] − E[purchases by (k−1)·periodLength]) × expected spend × marginRate / (1 + discountRatePerPeriod)^k;
    /// periodLength is in the history's time unit (e.g. 52/12 weeks for monthly periods), the result in the spend's currency.
    /// </summary>
    public static double Discounted(
        BgNbdParameters purchases,
        GammaGammaParameters spend,
        PurchaseHistory history,
        int periods,
        double periodLength,
        double marginRate,
        double discountRatePerPeriod)
    {
        purchases.Validate();
        spend.Validate();
        history.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(periods);
        if (!(periodLength > 0) || !double.IsFinite(periodLength))
        {
            throw new ArgumentOutOfRangeException(nameof(periodLength), $"Period length must be positive and finite, was {periodLength}.");
        }

        if (!double.IsFinite(marginRate))
        {
            throw new ArgumentOutOfRangeException(nameof(marginRate), $"Margin rate must be finite, was {marginRate}.");
        }

        if (!(discountRatePerPeriod > -1) || !double.IsFinite(discountRatePerPeriod))
        {
            throw new ArgumentOutOfRangeException(nameof(discountRatePerPeriod), $"Discount rate must be finite and > −1, was {discountRatePerPeriod}.");
        }

        // Short-circuit so a zero margin is 0 even when the spend model's mean is infinite (q ≤ 1).
        if (marginRate == 0 || periods == 0)
        {
            return 0.0;
        }

        return DiscountedPurchases(purchases, history, periods, periodLength, discountRatePerPeriod)
            * GammaGamma.ExpectedAverageSpend(spend, history) * marginRate;
    }

    /// <summary>
    /// Σ_{k=1..periods} (E[purchases by k·periodLength] − E[purchases by (k−1)·periodLength]) / (1 + discountRatePerPeriod)^k:
    /// the discounted number of expected purchases, to be multiplied by a value per purchase (any spend estimate).
    /// </summary>
    public static double DiscountedPurchases(BgNbdParameters purchases, PurchaseHistory history, int periods, double periodLength, double discountRatePerPeriod)
    {
        // P(alive) does not depend on the horizon: compute it once for all periods.
        var alive = BgNbd.AliveProbability(purchases, history);
        var discount = 1.0;
        var previous = 0.0;
        var total = 0.0;
        for (var k = 1; k <= periods; k++)
        {
            discount /= 1.0 + discountRatePerPeriod;
            var cumulative = BgNbd.ExpectedPurchasesUnchecked(purchases, history, k * periodLength, alive);
            total += (cumulative - previous) * discount;
            previous = cumulative;
        }

        return total;
    }
}

namespace Demo.Generation;

/// <summary>One order of the synthetic history or of the simulation: when (days after the end of history; negative = before), gross value and discount.</summary>
public sealed record SyntheticOrder(double Day, decimal Gross, decimal Discount, string? PromotionCode, string? CampaignCode = null)
{
    /// <summary>Net of the discount.</summary>
    public decimal Net => Gross - Discount;
}

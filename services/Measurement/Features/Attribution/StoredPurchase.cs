namespace Measurement.Features.Attribution;

/// <summary>A purchase as stored in <c>purchases</c> by the statement that inserted it (what the attribution adds up).</summary>
public sealed record StoredPurchase(
    Guid CustomerId, DateTime OccurredAt, decimal NetAmount, decimal Margin, bool IsReturn, string? CampaignCode, string? PromotionCode);

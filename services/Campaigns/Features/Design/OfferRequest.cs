using System.ComponentModel;

namespace Campaigns.Features.Design;

/// <summary>An offer of a campaign design.</summary>
public sealed record OfferRequest
{
    [Description("Offer code, unique in the campaign.")]
    public string? Code { get; init; }

    [Description("discount, service_benefit or gift.")]
    public string? Kind { get; init; }

    [Description("Face value (e.g. the discount amount), in the campaign's currency.")]
    public decimal? Value { get; init; }

    [Description("What one redemption costs the company.")]
    public decimal? CostPerRedemption { get; init; }

    [Description("Last moment the offer can be redeemed (ISO 8601 with offset), if any.")]
    public string? Deadline { get; init; }
}

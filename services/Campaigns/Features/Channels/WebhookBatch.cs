namespace Campaigns.Features.Channels;

/// <summary>The JSON body of one webhook post: up to 1,000 contacts of one campaign step on one channel.</summary>
public sealed record WebhookBatch
{
    public required Guid DeliveryId { get; init; }
    public required Guid CampaignId { get; init; }
    public required string CampaignCode { get; init; }
    public required string Channel { get; init; }
    public required int Wave { get; init; }
    public required int Step { get; init; }
    public required IReadOnlyList<WebhookContact> Contacts { get; init; }
}

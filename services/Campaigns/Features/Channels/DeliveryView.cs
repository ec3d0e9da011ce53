namespace Campaigns.Features.Channels;

/// <summary>A webhook delivery as <c>GET /v1/deliveries</c> shows it (without its payload).</summary>
public sealed record DeliveryView(
    Guid Id, Guid CampaignId, string Channel, int Wave, int Step, int Contacts, string Status, int Attempts, int Replays,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

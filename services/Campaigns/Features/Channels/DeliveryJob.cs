namespace Campaigns.Features.Channels;

/// <summary>Payload of a webhook delivery job.</summary>
public sealed record DeliveryJob(Guid DeliveryId);

namespace Demo.Platform;

/// <summary>One contact the platform posted to the demo's channel listener: which campaign, channel, cell and offer, whom, and when (the post's timestamp).</summary>
public sealed record WebhookContact(string CampaignCode, string Channel, string Cell, string? OfferCode, Guid CustomerId, Guid ContactId, DateTimeOffset At);

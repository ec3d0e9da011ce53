namespace Campaigns.Features.Channels;

/// <summary>A channel's adapter as the API shows it (the secret is never shown).</summary>
public sealed record ChannelView(string Channel, string Mode, string? Url, bool HasSecret, DateTimeOffset? UpdatedAt);

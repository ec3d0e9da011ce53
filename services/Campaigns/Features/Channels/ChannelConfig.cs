namespace Campaigns.Features.Channels;

/// <summary>A channel's adapter as stored (<c>channel_configs</c>).</summary>
public sealed record ChannelConfig(string Channel, string Mode, string? Url, string? Secret, DateTimeOffset UpdatedAt);

namespace Campaigns.Features.Dispatch;

/// <summary>What dispatch reads of a campaign (locked for the chunk it works on).</summary>
public sealed record CampaignRow(Guid Id, string Code, string Status, string Design, DateTimeOffset? LaunchedAt);

namespace Campaigns.Features.Snapshots;

/// <summary>A snapshot this service asked for (a row of <c>snapshots</c>).</summary>
public sealed record RequestedSnapshot(Guid SnapshotId, Guid CampaignId, string Purpose, string Status);

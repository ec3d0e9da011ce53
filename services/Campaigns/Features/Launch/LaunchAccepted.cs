namespace Campaigns.Features.Launch;

/// <summary>The answer to a launch: the campaign's state right after it, and the snapshot asked for.</summary>
public sealed record LaunchAccepted(Guid Id, string Status, string LaunchState, Guid SnapshotId);

namespace Platform.Contracts.Segmentation;

/// <summary>A segment's membership was frozen for targeting; its members follow in <see cref="SegmentSnapshotMembersAdded"/> batches.</summary>
public sealed record SegmentSnapshotCreated
{
    /// <summary>The snapshot (never changes after this event).</summary>
    public required Guid SnapshotId { get; init; }

    /// <summary>The segment it was taken of.</summary>
    public required Guid SegmentId { get; init; }

    /// <summary>The segment's name at the time.</summary>
    public required string SegmentName { get; init; }

    /// <summary>What the snapshot is for (e.g. a campaign code), if the requester said.</summary>
    public string? Purpose { get; init; }

    /// <summary>The moment the membership reflects.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>Number of members.</summary>
    public required int MemberCount { get; init; }

    /// <summary>Number of member batches that follow.</summary>
    public required int BatchCount { get; init; }
}

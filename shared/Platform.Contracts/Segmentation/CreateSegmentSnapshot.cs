namespace Platform.Contracts.Segmentation;

/// <summary>
/// Command to Segmentation: freeze a segment's membership now. Answered with <see cref="SegmentSnapshotCreated"/> and its
/// <see cref="SegmentSnapshotMembersAdded"/> batches carrying <see cref="SnapshotId"/>, or with
/// <see cref="SegmentSnapshotRefused"/>. Sending it again with the same id gives the same snapshot (never a second one).
/// </summary>
public sealed record CreateSegmentSnapshot
{
    /// <summary>The id the snapshot will have, chosen by the requester (so a repeated command is recognised).</summary>
    public required Guid SnapshotId { get; init; }

    /// <summary>The segment to freeze.</summary>
    public required Guid SegmentId { get; init; }

    /// <summary>What the snapshot is for (e.g. "campaign SPRING-26 launch").</summary>
    public string? Purpose { get; init; }

    /// <summary>When the requester asked (for its own bookkeeping; membership is taken when Segmentation handles the command).</summary>
    public required DateTimeOffset RequestedAt { get; init; }
}

namespace Platform.Contracts.Segmentation;

/// <summary>A <see cref="CreateSegmentSnapshot"/> command could not be carried out (e.g. the segment does not exist).</summary>
public sealed record SegmentSnapshotRefused
{
    /// <summary>The snapshot id the command asked for.</summary>
    public required Guid SnapshotId { get; init; }

    /// <summary>The segment named in the command.</summary>
    public required Guid SegmentId { get; init; }

    /// <summary>Why, in words for the marketer.</summary>
    public required string Reason { get; init; }
}

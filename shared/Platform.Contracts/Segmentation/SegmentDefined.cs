namespace Platform.Contracts.Segmentation;

/// <summary>A segment was created, changed or deleted: other services keep a catalog of segments to validate references.</summary>
public sealed record SegmentDefined
{
    /// <summary>The segment.</summary>
    public required Guid SegmentId { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>True when the segment was deleted.</summary>
    public required bool Deleted { get; init; }

    /// <summary>Version assigned by Segmentation's database under the segment's row lock; consumers keep the highest.</summary>
    public required long Version { get; init; }
}

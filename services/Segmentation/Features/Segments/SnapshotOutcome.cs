namespace Segmentation.Features.Segments;

/// <summary>What <see cref="SnapshotWriter.CreateAsync"/> did: took the snapshot, found it taken already, or refused.</summary>
public sealed record SnapshotOutcome(SnapshotInfo? Snapshot, bool Created, string? Refusal);

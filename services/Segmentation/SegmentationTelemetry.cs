using System.Diagnostics.Metrics;

namespace Segmentation;

/// <summary>Segmentation's own metrics (the meter is registered with OpenTelemetry by the service defaults).</summary>
public static class SegmentationTelemetry
{
    private static readonly Meter Meter = new("Segmentation");

    /// <summary>How long scoring runs take, from claim to commit.</summary>
    public static readonly Histogram<double> ScoringRunSeconds = Meter.CreateHistogram<double>("segmentation.scoring.run.duration", unit: "s", description: "Duration of scoring runs");

    /// <summary>Customers scored by completed runs.</summary>
    public static readonly Counter<long> CustomersScored = Meter.CreateCounter<long>("segmentation.scoring.customers", description: "Customers scored by completed runs");

    /// <summary>Scoring runs that failed (their transaction rolled back; the previous scores stand).</summary>
    public static readonly Counter<long> ScoringRunsFailed = Meter.CreateCounter<long>("segmentation.scoring.failed", description: "Scoring runs that failed");

    /// <summary>Members frozen into snapshots.</summary>
    public static readonly Counter<long> SnapshotMembers = Meter.CreateCounter<long>("segmentation.snapshot.members", description: "Members frozen into segment snapshots");
}

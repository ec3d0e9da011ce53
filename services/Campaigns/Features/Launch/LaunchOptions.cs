namespace Campaigns.Features.Launch;

/// <summary>How launches assign their members (configuration section <c>Campaigns:Launch</c>).</summary>
public sealed class LaunchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Campaigns:Launch";

    /// <summary>Members per <c>CustomersAssigned</c> batch (the contract's "up to 1,000").</summary>
    public const int BatchSize = 1_000;

    /// <summary>
    /// Members assigned per transaction (with their outbox batches and the cursor). A multiple of <see cref="BatchSize"/>,
    /// so that every batch but the last is full and the batch numbers follow from the members already assigned.
    /// </summary>
    public int ChunkSize { get; set; } = 20_000;

    /// <summary>Wait before an assignment job that failed is tried again (doubling up to ten minutes).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

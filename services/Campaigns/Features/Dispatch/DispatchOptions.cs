namespace Campaigns.Features.Dispatch;

/// <summary>Settings of dispatch (configuration section <c>Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    /// <summary>Members per chunk: each chunk is one transaction (its contacts, ledger rows, webhook batch and events).</summary>
    public int ChunkSize { get; set; } = 1_000;

    /// <summary>First retry delay of a failed step job (doubled per attempt).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

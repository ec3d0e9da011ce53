namespace Platform.Contracts.Ingestion;

/// <summary>A customer asked to be forgotten: every service removes what identifies them (anonymous aggregates may stay).</summary>
public sealed record CustomerErased
{
    /// <summary>The erased customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>When Ingestion erased them.</summary>
    public required DateTimeOffset ErasedAt { get; init; }
}

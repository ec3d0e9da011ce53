namespace Platform.Contracts.Ingestion;

/// <summary>A customer asked to be forgotten: every service removes what identifies them (anonymous aggregates may stay).</summary>
public sealed record CustomerErased
{
    /// <summary>The erased customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>When Ingestion erased them.</summary>
    public required DateTimeOffset ErasedAt { get; init; }

    /// <summary>
    /// The version the customer record had when it was erased: every version up to it is stale (a late or replayed
    /// <see cref="CustomersUpserted"/> must not bring the customer back); a later registration of the same customer id
    /// has a higher one. 0 in events written before versions existed (then <see cref="ErasedAt"/> decides).
    /// </summary>
    public long Version { get; init; }
}

namespace Platform.Contracts.Ingestion;

/// <summary>A customer or prospect was created or changed in Ingestion; carries only what downstream services need, no contact details.</summary>
public sealed record CustomerUpserted
{
    /// <summary>Stable id derived from (source, external id).</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The system the customer came from (e.g. "webshop").</summary>
    public required string Source { get; init; }

    /// <summary>The customer's id in that system.</summary>
    public required string ExternalId { get; init; }

    /// <summary><c>prospect</c> or <c>customer</c>.</summary>
    public required string Lifecycle { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code, when known.</summary>
    public string? Country { get; init; }

    /// <summary>Region or state, when known.</summary>
    public string? Region { get; init; }

    /// <summary>When Ingestion recorded this version; consumers keep the newest version, whatever the delivery order.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

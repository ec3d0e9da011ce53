namespace Platform.Contracts.Ingestion;

/// <summary>Customers or prospects were created or changed in Ingestion (DESIGN's <c>CustomerUpserted</c>, in batches of up to 1,000).</summary>
public sealed record CustomersUpserted
{
    /// <summary>The customers as they are now; consumers keep the highest <see cref="CustomerRecord.Version"/> of each, whatever the delivery order.</summary>
    public required IReadOnlyList<CustomerRecord> Customers { get; init; }
}

/// <summary>One customer as downstream services need it: no names, contact details or exact birth date.</summary>
public sealed record CustomerRecord
{
    /// <summary>Stable id derived from (source, external id).</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The person this record belongs to: records of several sources sharing an email share a person id.</summary>
    public required Guid PersonId { get; init; }

    /// <summary>The system the customer came from (lower case, e.g. "webshop").</summary>
    public required string Source { get; init; }

    /// <summary>The customer's id in that system.</summary>
    public required string ExternalId { get; init; }

    /// <summary><c>prospect</c> or <c>customer</c>.</summary>
    public required string Lifecycle { get; init; }

    /// <summary><c>female</c>, <c>male</c>, <c>other</c>, or null when unknown.</summary>
    public string? Gender { get; init; }

    /// <summary>Year of birth only (enough for age bands).</summary>
    public int? BirthYear { get; init; }

    /// <summary>When the customer joined, in the source system.</summary>
    public DateOnly? JoinDate { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; init; }

    /// <summary>Region or state.</summary>
    public string? Region { get; init; }

    /// <summary>Channel through which the customer was acquired (e.g. "direct-mail").</summary>
    public string? AcquisitionChannel { get; init; }

    /// <summary>Code of the campaign that acquired the customer.</summary>
    public string? AcquisitionCampaign { get; init; }

    /// <summary>Marketing consent per channel; null where the customer never said.</summary>
    public required ChannelConsents Consents { get; init; }

    /// <summary>When Ingestion recorded this version (for people; order versions by <see cref="Version"/>, never by this time).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The version of this record, assigned by Ingestion's database in the transaction that wrote it, under the row's lock:
    /// a write committed later always has a higher version, whatever the clocks. Consumers keep the highest.
    /// 0 in events written before versions existed (then <see cref="UpdatedAt"/> decides).
    /// </summary>
    public long Version { get; init; }
}

/// <summary>Consent to be contacted for marketing, per channel: true granted, false refused or withdrawn, null unknown.</summary>
public sealed record ChannelConsents
{
    /// <summary>Email.</summary>
    public bool? Email { get; init; }

    /// <summary>Text messages.</summary>
    public bool? Sms { get; init; }

    /// <summary>Postal mail.</summary>
    public bool? Mail { get; init; }

    /// <summary>Telephone (outbound calls).</summary>
    public bool? Phone { get; init; }
}

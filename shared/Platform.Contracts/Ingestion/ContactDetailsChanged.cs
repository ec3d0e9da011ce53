namespace Platform.Contracts.Ingestion;

/// <summary>
/// The contact details and consents of customers were created or changed (batches of up to 1,000, published with
/// <see cref="CustomersUpserted"/>). Personal data: only Campaigns subscribes (its channel exports need addresses and
/// phone numbers); erasure removes it there too.
/// </summary>
public sealed record ContactDetailsChanged
{
    /// <summary>The customers' contact details as they are now; consumers keep the highest <see cref="ContactDetails.Version"/>.</summary>
    public required IReadOnlyList<ContactDetails> Customers { get; init; }
}

/// <summary>How and whether a customer may be reached, at one version of the customer record.</summary>
public sealed record ContactDetails
{
    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The customer record's version (the same as <see cref="CustomerRecord.Version"/> of that write).</summary>
    public required long Version { get; init; }

    /// <summary>First name.</summary>
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    public string? LastName { get; init; }

    /// <summary>Email address (lower case).</summary>
    public string? Email { get; init; }

    /// <summary>Phone number ('+' and digits).</summary>
    public string? Phone { get; init; }

    /// <summary>Street and number.</summary>
    public string? AddressLine { get; init; }

    /// <summary>Postal code.</summary>
    public string? PostalCode { get; init; }

    /// <summary>City.</summary>
    public string? City { get; init; }

    /// <summary>Region or state (decides the time zone of quiet hours).</summary>
    public string? Region { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; init; }

    /// <summary>Marketing consent per channel.</summary>
    public required ChannelConsents Consents { get; init; }
}

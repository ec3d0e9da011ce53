namespace Campaigns.Features.Channels;

/// <summary>One contact of a webhook batch: who, what offer, and the details the channel needs to reach them.</summary>
public sealed record WebhookContact
{
    public required Guid ContactId { get; init; }
    public required Guid CustomerId { get; init; }
    public required string Cell { get; init; }
    public string? OfferCode { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? AddressLine { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public string? Country { get; init; }

    /// <summary>For calls: the customer's time zone and the local window calls are allowed in.</summary>
    public string? TimeZone { get; init; }
    public string? CallWindow { get; init; }
}

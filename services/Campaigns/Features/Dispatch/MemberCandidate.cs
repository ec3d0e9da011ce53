namespace Campaigns.Features.Dispatch;

/// <summary>A member a step job looks at: value (for the order), contact details, consents and what responses say.</summary>
public sealed record MemberCandidate
{
    public required Guid CustomerId { get; init; }
    public double? Clv { get; init; }
    public decimal NetRevenue365 { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? AddressLine { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public string? Country { get; init; }
    public bool? ConsentEmail { get; init; }
    public bool? ConsentSms { get; init; }
    public bool? ConsentMail { get; init; }
    public bool? ConsentPhone { get; init; }

    /// <summary>Consents in the launch's snapshot: one true then and false now was withdrawn (an opt-out), not merely missing.</summary>
    public bool? LaunchConsentEmail { get; init; }
    public bool? LaunchConsentSms { get; init; }
    public bool? LaunchConsentMail { get; init; }
    public bool? LaunchConsentPhone { get; init; }

    /// <summary>Response channels (<c>mail</c>, <c>phone</c>, <c>email</c>, <c>sms</c>) the customer opted out of, in any campaign.</summary>
    public string[] OptedOutChannels { get; init; } = [];

    /// <summary>The customer responded to this campaign (see <see cref="ResponseTypes.Responded"/>).</summary>
    public bool Responded { get; init; }

    /// <summary>The previous step's contact reached the customer (a delivery or answer on its channel).</summary>
    public bool PreviousReached { get; init; }
}

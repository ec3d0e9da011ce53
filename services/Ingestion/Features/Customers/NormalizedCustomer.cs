using Platform.Data;

namespace Ingestion.Features.Customers;

/// <summary>
/// A validated customer, ready for <see cref="CustomerWriter"/>: trimmed, blanks as null, source and email lower case,
/// phone as '+' and digits, country upper case, consents stamped with their time, attributes as canonical JSON.
/// </summary>
public sealed record NormalizedCustomer(
    string Source,
    string ExternalId,
    string Lifecycle,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? AddressLine,
    string? PostalCode,
    string? City,
    string? Region,
    string? Country,
    string? Gender,
    DateOnly? BirthDate,
    DateOnly? JoinDate,
    string? AcquisitionChannel,
    string? AcquisitionCampaign,
    IReadOnlyList<NormalizedConsent> Consents,
    string AttributesJson)
{
    /// <summary>The stable id of (source, external id); computed, so a <c>with</c> copy never carries a stale one.</summary>
    public Guid CustomerId => DeterministicGuid.ForCustomer(Source, ExternalId);
}

/// <summary>Consent for one channel (see <see cref="ConsentChannels"/>) as the customer gave it at <paramref name="At"/>.</summary>
public sealed record NormalizedConsent(string Channel, bool Granted, DateTimeOffset At);

/// <summary>A customer's key in its source system, for <see cref="CustomerWriter.CreateMissingAsync"/>.</summary>
public sealed record CustomerKey(string Source, string ExternalId)
{
    /// <summary>The stable id of (source, external id).</summary>
    public Guid CustomerId => DeterministicGuid.ForCustomer(Source, ExternalId);
}

/// <summary>The marketing channels a consent can be given for (the <c>consents.channel</c> column).</summary>
public static class ConsentChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Mail = "mail";
    public const string Phone = "phone";

    /// <summary>All four, in the order responses show them.</summary>
    public static IReadOnlyList<string> All { get; } = [Email, Sms, Mail, Phone];

    /// <summary>Whether <paramref name="channel"/> is one of <see cref="All"/> (exact, lower case).</summary>
    public static bool IsChannel(string? channel) => channel is Email or Sms or Mail or Phone;
}

/// <summary>What <see cref="CustomerWriter"/> did with one input customer.</summary>
public enum CustomerUpsertStatus
{
    /// <summary>The customer did not exist and was inserted.</summary>
    Created,

    /// <summary>The customer existed and a field or a consent changed.</summary>
    Updated,

    /// <summary>The customer existed and nothing changed (a replay): nothing was published.</summary>
    Unchanged,
}

/// <summary>Outcome for the input at <paramref name="Index"/> (position in the list given to the writer).</summary>
public sealed record CustomerUpsertResult(int Index, Guid CustomerId, CustomerUpsertStatus Status);

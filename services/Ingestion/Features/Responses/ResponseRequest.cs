using System.Collections.Frozen;
using Ingestion.Features.Transactions;
using Platform.Data;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Ingestion.Features.Responses;

/// <summary>
/// What a customer did with a campaign contact, as a channel reports it (<c>POST /v1/responses</c>, or a CSV row).
/// Every property is optional to the parser so validation can name each missing field.
/// </summary>
public sealed record ResponseRequest
{
    /// <summary>System reporting the response (e.g. "mailhouse", "esp"); stored lower case.</summary>
    public string? Source { get; init; }

    /// <summary>The channel's own id of the response, if it has one; makes replays recognizable by (source, responseId).</summary>
    public string? ResponseId { get; init; }

    /// <summary>Code of the campaign responded to.</summary>
    public string? CampaignCode { get; init; }

    /// <summary>The customer's id (or give customerExternalId).</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>The customer's id in customerSource (or give customerId).</summary>
    public string? CustomerExternalId { get; init; }

    /// <summary>Source system of customerExternalId; defaults to the response's source.</summary>
    public string? CustomerSource { get; init; }

    /// <summary>email, sms, mail, phone or web.</summary>
    public string? Channel { get; init; }

    /// <summary>delivered, undeliverable, opened, clicked, answered, inbound-call, replied, converted or opted-out.</summary>
    public string? Type { get; init; }

    /// <summary>When it happened: ISO 8601 with offset or 'Z'; at most a day ahead.</summary>
    public string? OccurredAt { get; init; }

    /// <summary>Value of the response (e.g. a conversion's order value), ≥ 0; optional.</summary>
    public decimal? Value { get; init; }

    /// <summary>Checks every field into <paramref name="errors"/> and returns the normalized response, or null.</summary>
    public NormalizedResponse? Validate(ValidationErrors errors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var source = Text.Required(errors, "source", Source, 64)?.ToLowerInvariant();
        var externalId = Text.Optional(errors, "responseId", ResponseId, 128);
        var campaignCode = Text.Required(errors, "campaignCode", CampaignCode, 128);
        var customer = CustomerReference.Validate(errors, CustomerId, CustomerExternalId, CustomerSource, source);
        var channel = ResponseVocabulary.Channel(Channel);
        if (channel is null)
        {
            errors.Add("channel", string.IsNullOrWhiteSpace(Channel) ? "is required" : "must be one of email, sms, mail, phone, web");
        }

        var type = ResponseVocabulary.Type(Type);
        if (type is null)
        {
            errors.Add("type", string.IsNullOrWhiteSpace(Type) ? "is required" : "must be one of " + string.Join(", ", ResponseVocabulary.Types));
        }
        else if (type == ResponseVocabulary.OptedOut && channel == ResponseVocabulary.Web)
        {
            // Consent is kept per contact channel; "web" names none of them, so it cannot say what to withdraw.
            errors.Add("channel", "an opted-out response must name the channel opted out of: email, sms, mail or phone");
        }

        if (!IsoTimestamp.TryParse(OccurredAt, out var occurredAt))
        {
            errors.Add("occurredAt", string.IsNullOrWhiteSpace(OccurredAt) ? "is required" : IsoTimestamp.Expected);
        }
        else if (occurredAt > now.AddDays(1))
        {
            errors.Add("occurredAt", "is more than a day in the future");
        }

        var value = Money.Check(errors, "value", Value, required: false, allowNegative: false);
        if (errors.Count != before || customer is null)
        {
            return null;
        }

        // The channel's own id identifies a response; without one, the response is identified by what it says, so the
        // same report sent twice (or by two systems) is recorded once.
        var responseId = externalId is not null
            ? DeterministicGuid.ForResponse(source + "\n" + externalId)
            : DeterministicGuid.ForResponse(string.Join('\n', campaignCode, customer.Value.CustomerId.ToString(), channel, type, IsoTimestamp.Format(occurredAt)));
        return new NormalizedResponse(responseId, source!, externalId, campaignCode!, customer.Value, channel!, type!, occurredAt, value);
    }
}

/// <summary>A valid response: trimmed, source, channel and type lower case, UTC.</summary>
public sealed record NormalizedResponse(
    Guid ResponseId,
    string Source,
    string? ExternalId,
    string CampaignCode,
    CustomerRef Customer,
    string Channel,
    string Type,
    DateTimeOffset OccurredAt,
    decimal? Value);

/// <summary>The channels and response types the platform knows.</summary>
public static class ResponseVocabulary
{
    public const string Web = "web";
    public const string OptedOut = "opted-out";

    public static readonly IReadOnlyList<string> Channels = ["email", "sms", "mail", "phone", Web];

    public static readonly IReadOnlyList<string> Types =
        ["delivered", "undeliverable", "opened", "clicked", "answered", "inbound-call", "replied", "converted", OptedOut];

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ChannelSet = Channels.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TypeSet = Types.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The canonical (lower case, shared) channel name, or null when unknown.</summary>
    public static string? Channel(string? value) => value is not null && ChannelSet.TryGetValue(value.AsSpan().Trim(), out var c) ? c : null;

    /// <summary>The canonical (lower case, shared) type name, or null when unknown.</summary>
    public static string? Type(string? value) => value is not null && TypeSet.TryGetValue(value.AsSpan().Trim(), out var t) ? t : null;
}

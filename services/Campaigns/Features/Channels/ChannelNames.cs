namespace Campaigns.Features.Channels;

/// <summary>
/// The contact channels, the consent and contact field each needs (a customer is reachable on a channel when both are
/// there: email; phone for calls and SMS; address line and postal code for mail), and the response channel a channel's
/// responses come back on. <see cref="Bit"/> numbers them for reachability masks computed in SQL.
/// </summary>
public static class ChannelNames
{
    public const string DirectMail = "direct_mail";
    public const string OutboundCall = "outbound_call";
    public const string Email = "email";
    public const string Sms = "sms";

    /// <summary>Every channel, in the order of <see cref="Bit"/>.</summary>
    public static readonly IReadOnlyList<string> All = [DirectMail, OutboundCall, Email, Sms];

    /// <summary>True for a known channel name.</summary>
    public static bool IsKnown(string? channel) => channel is not null && All.Contains(channel, StringComparer.Ordinal);

    /// <summary>
    /// The channel as Ingestion's responses and consents name it (<c>mail</c>, <c>phone</c>, <c>email</c>, <c>sms</c>):
    /// an opt-out response on <c>phone</c> suppresses outbound calls.
    /// </summary>
    public static string ResponseChannelOf(string channel) => channel switch
    {
        DirectMail => "mail",
        OutboundCall => "phone",
        _ => channel,
    };

    /// <summary>The channel's bit in a reachability mask (1, 2, 4, 8 in the order of <see cref="All"/>).</summary>
    public static int Bit(string channel) => channel switch
    {
        DirectMail => 1,
        OutboundCall => 2,
        Email => 4,
        Sms => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown channel"),
    };

    /// <summary>The mask of a list of channels.</summary>
    public static int Mask(IEnumerable<string> channels) => channels.Aggregate(0, (mask, c) => mask | Bit(c));

    /// <summary>True when a postal address is complete enough for a letter.</summary>
    public static bool HasPostalAddress(string? addressLine, string? postalCode) =>
        !string.IsNullOrWhiteSpace(addressLine) && !string.IsNullOrWhiteSpace(postalCode);

    /// <summary>
    /// SQL giving the reachability mask of a member from the <c>customers</c> row aliased <paramref name="c"/>: a channel's
    /// bit is set when its consent is true and its contact field is present. A member without a <c>customers</c> row is
    /// reachable on nothing.
    /// </summary>
    public static string SqlReachabilityMask(string c) => $"""
        (CASE WHEN {c}.consent_mail IS TRUE AND btrim({c}.address_line) <> '' AND btrim({c}.postal_code) <> '' THEN 1 ELSE 0 END
         | CASE WHEN {c}.consent_phone IS TRUE AND btrim({c}.phone) <> '' THEN 2 ELSE 0 END
         | CASE WHEN {c}.consent_email IS TRUE AND btrim({c}.email) <> '' THEN 4 ELSE 0 END
         | CASE WHEN {c}.consent_sms IS TRUE AND btrim({c}.phone) <> '' THEN 8 ELSE 0 END)
        """;
}

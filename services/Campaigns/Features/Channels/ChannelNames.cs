namespace Campaigns.Features.Channels;

/// <summary>The contact channels, the consent each needs and the response channel a channel's responses come back on.</summary>
public static class ChannelNames
{
    public const string DirectMail = "direct_mail";
    public const string OutboundCall = "outbound_call";
    public const string Email = "email";
    public const string Sms = "sms";

    /// <summary>Every channel.</summary>
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
}

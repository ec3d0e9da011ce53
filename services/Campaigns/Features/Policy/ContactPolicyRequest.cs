using System.Globalization;
using Campaigns.Features.Channels;
using Platform.ServiceDefaults;

namespace Campaigns.Features.Policy;

/// <summary>The body of <c>PUT /v1/contact-policy</c> and the answer of GET: the whole policy, replaced at once.</summary>
public sealed record ContactPolicyRequest
{
    public IReadOnlyList<FrequencyCapRequest?>? FrequencyCaps { get; init; }

    /// <summary>Per channel (<c>outbound_call</c>, <c>sms</c>): quiet hours in the customer's local time.</summary>
    public IReadOnlyDictionary<string, QuietHoursRequest?>? QuietHours { get; init; }

    public TimeZonesRequest? TimeZones { get; init; }

    /// <summary>Per channel: contacts per day at most (the rest roll to the next day).</summary>
    public IReadOnlyDictionary<string, int>? DailyCapacity { get; init; }

    /// <summary>Share of all customers in the global control group, from 0 to below 0.5.</summary>
    public double? GlobalControlShare { get; init; }

    /// <summary>The request for <paramref name="policy"/> as stored (what GET answers).</summary>
    public static ContactPolicyRequest From(ContactPolicy policy, double globalControlShare)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new ContactPolicyRequest
        {
            FrequencyCaps = policy.FrequencyCaps.Select(c => new FrequencyCapRequest { Channel = c.Channel, MaxContacts = c.MaxContacts, Days = c.Days }).ToList(),
            QuietHours = policy.QuietHours.ToDictionary(q => q.Key, q => (QuietHoursRequest?)new QuietHoursRequest
            {
                Start = q.Value.Start.ToString("HH:mm", CultureInfo.InvariantCulture),
                End = q.Value.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            }),
            TimeZones = new TimeZonesRequest
            {
                Default = policy.DefaultTimeZone,
                Countries = policy.CountryTimeZones.ToDictionary(c => c.Key, c => (string?)c.Value),
                Regions = policy.RegionTimeZones.ToDictionary(r => r.Key, r => (string?)r.Value),
            },
            DailyCapacity = policy.DailyCapacity.ToDictionary(),
            GlobalControlShare = globalControlShare,
        };
    }

    /// <summary>Checks every field into <paramref name="errors"/>; the policy and global control share, or null when anything is bad.</summary>
    public (ContactPolicy Policy, double GlobalControlShare)? Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var caps = new List<FrequencyCap>();
        for (var i = 0; i < (FrequencyCaps?.Count ?? 0); i++)
        {
            var field = $"frequencyCaps[{i}]";
            if (FrequencyCaps![i] is not { } cap)
            {
                errors.Add(field, "must be a frequency cap object");
                continue;
            }

            if (cap.Channel is not null && !ChannelNames.IsKnown(cap.Channel))
            {
                errors.Add($"{field}.channel", "must be null (all channels) or one of " + string.Join(", ", ChannelNames.All));
            }

            if (cap.MaxContacts is not ({ } max and >= 1 and <= 1000))
            {
                errors.Add($"{field}.maxContacts", "must be a whole number from 1 to 1000");
            }

            if (cap.Days is not ({ } days and >= 1 and <= 366))
            {
                errors.Add($"{field}.days", "must be a whole number of days from 1 to 366");
            }

            if (cap is { MaxContacts: { } m, Days: { } d })
            {
                caps.Add(new FrequencyCap(cap.Channel, m, d));
            }
        }

        var quiet = new Dictionary<string, QuietHours>(StringComparer.Ordinal);
        foreach (var (channel, hours) in QuietHours ?? new Dictionary<string, QuietHoursRequest?>())
        {
            var field = $"quietHours.{channel}";
            if (channel is not (ChannelNames.OutboundCall or ChannelNames.Sms))
            {
                errors.Add(field, $"quiet hours apply to {ChannelNames.OutboundCall} and {ChannelNames.Sms} only");
                continue;
            }

            if (hours is null)
            {
                errors.Add(field, "must be an object with start and end");
                continue;
            }

            var start = LocalTime(errors, $"{field}.start", hours.Start);
            var end = LocalTime(errors, $"{field}.end", hours.End);
            if (start is { } s && end is { } e)
            {
                if (s == e)
                {
                    errors.Add($"{field}.end", "must differ from start");
                }
                else
                {
                    quiet[channel] = new QuietHours(s, e);
                }
            }
        }

        var defaultZone = TimeZones?.Default ?? "UTC";
        CheckZone(errors, "timeZones.default", defaultZone);
        var countries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (country, zone) in TimeZones?.Countries ?? new Dictionary<string, string?>())
        {
            var field = $"timeZones.countries.{country}";
            if (!IsCountry(country))
            {
                errors.Add(field, "the key must be an ISO 3166 alpha-2 country code in upper case, e.g. DE");
            }
            else if (CheckZone(errors, field, zone))
            {
                countries[country] = zone!;
            }
        }

        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, zone) in TimeZones?.Regions ?? new Dictionary<string, string?>())
        {
            var field = $"timeZones.regions.{key}";
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash != 2 || !IsCountry(key[..2]) || key.Length == 3 || key.Length > 67 || !Platform.ServiceDefaults.Validation.Text.IsStorable(key))
            {
                errors.Add(field, "the key must be COUNTRY/region, e.g. US/CA");
            }
            else if (CheckZone(errors, field, zone))
            {
                regions[key] = zone!;
            }
        }

        var capacity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (channel, perDay) in DailyCapacity ?? new Dictionary<string, int>())
        {
            var field = $"dailyCapacity.{channel}";
            if (!ChannelNames.IsKnown(channel))
            {
                errors.Add(field, "the key must be one of " + string.Join(", ", ChannelNames.All));
            }
            else if (perDay < 0)
            {
                errors.Add(field, "must be zero or more contacts per day");
            }
            else
            {
                capacity[channel] = perDay;
            }
        }

        var share = GlobalControlShare ?? 0;
        if (GlobalControlShare is not { } g || double.IsNaN(g) || g < 0 || g >= 0.5)
        {
            errors.Add("globalControlShare", "is required: a share from 0 to below 0.5");
        }

        if (errors.HasErrors)
        {
            return null;
        }

        return (new ContactPolicy
        {
            FrequencyCaps = caps,
            QuietHours = quiet,
            DefaultTimeZone = defaultZone,
            CountryTimeZones = countries,
            RegionTimeZones = regions,
            DailyCapacity = capacity,
        }, share);
    }

    private static bool IsCountry(string code) => code.Length == 2 && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]);

    private static TimeOnly? LocalTime(ValidationErrors errors, string field, string? text)
    {
        if (text is not null && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add(field, "is required: a local time as HH:mm, e.g. 21:00");
        return null;
    }

    // Only IANA ids: Windows ids would make the stored policy depend on the host's conversion tables.
    private static bool CheckZone(ValidationErrors errors, string field, string? id)
    {
        if (id is not null && id.Length <= 64 && Platform.ServiceDefaults.Validation.Text.IsStorable(id)
            && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && (zone.HasIanaId || id == "UTC"))
        {
            return true;
        }

        errors.Add(field, "must be an IANA time zone id known to this host, e.g. Europe/Berlin");
        return false;
    }
}

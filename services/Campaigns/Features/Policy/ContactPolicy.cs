namespace Campaigns.Features.Policy;

/// <summary>
/// The validated contact policy applied at dispatch (stored as JSON in <c>contact_policy</c>): frequency caps across all
/// campaigns, quiet hours of phone and SMS, the time zones that place a customer's local time, and the daily capacity
/// of each channel. Country keys are ISO 3166 alpha-2 codes; region keys are <c>COUNTRY/region</c>.
/// </summary>
public sealed record ContactPolicy
{
    /// <summary>No caps, no quiet hours, UTC, unlimited capacity: the policy before any was set.</summary>
    public static readonly ContactPolicy Default = new();

    public IReadOnlyList<FrequencyCap> FrequencyCaps { get; init; } = [];
    public IReadOnlyDictionary<string, QuietHours> QuietHours { get; init; } = new Dictionary<string, QuietHours>();
    public string DefaultTimeZone { get; init; } = "UTC";
    public IReadOnlyDictionary<string, string> CountryTimeZones { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> RegionTimeZones { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, int> DailyCapacity { get; init; } = new Dictionary<string, int>();

    /// <summary>The longest frequency-cap window in days (0 without caps): how far back dispatch looks for earlier contacts.</summary>
    public int LongestCapDays => FrequencyCaps.Count == 0 ? 0 : FrequencyCaps.Max(c => c.Days);

    /// <summary>The time zone of a customer in <paramref name="country"/> and <paramref name="region"/>: the region's, else the country's, else the default.</summary>
    public TimeZoneInfo ZoneOf(string? country, string? region)
    {
        var id = country is not null && region is not null && RegionTimeZones.TryGetValue($"{country.Trim().ToUpperInvariant()}/{region.Trim()}", out var r) ? r
            : country is not null && CountryTimeZones.TryGetValue(country.Trim().ToUpperInvariant(), out var c) ? c
            : DefaultTimeZone;
        return TimeZoneInfo.FindSystemTimeZoneById(id);
    }

    /// <summary>The zone that decides what "a day" of capacity is.</summary>
    public TimeZoneInfo DefaultZone => TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone);

    /// <summary>
    /// When <paramref name="channel"/> has quiet hours and <paramref name="now"/> falls in them in <paramref name="zone"/>,
    /// the first moment after them (their local end); otherwise null.
    /// </summary>
    public DateTimeOffset? QuietUntil(string channel, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (!QuietHours.TryGetValue(channel, out var quiet))
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (!quiet.Contains(time))
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (time >= quiet.End)
        {
            endDate = endDate.AddDays(1); // in the evening part of a period that spans midnight
        }

        return ToInstant(endDate.ToDateTime(quiet.End), zone);
    }

    /// <summary>The start of the day after <paramref name="now"/>'s day in the default zone (when a full channel opens again).</summary>
    public DateTimeOffset NextDayStart(DateTimeOffset now)
    {
        var zone = DefaultZone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return ToInstant(DateOnly.FromDateTime(local.DateTime).AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
    }

    /// <summary>The start of <paramref name="now"/>'s day in the default zone.</summary>
    public DateTimeOffset DayStart(DateTimeOffset now)
    {
        var zone = DefaultZone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return ToInstant(DateOnly.FromDateTime(local.DateTime).ToDateTime(TimeOnly.MinValue), zone);
    }

    /// <summary>The local window a call centre may call in (the complement of the quiet hours), e.g. <c>08:00-21:00</c>; empty without quiet hours.</summary>
    public string CallWindow(string channel) =>
        QuietHours.TryGetValue(channel, out var quiet) ? $"{quiet.End:HH\\:mm}-{quiet.Start:HH\\:mm}" : "";

    // A local time that does not exist (skipped by a daylight-saving change) is taken as the first moment after the gap.
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

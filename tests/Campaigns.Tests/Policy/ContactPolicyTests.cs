using Campaigns.Features.Policy;
using Platform.ServiceDefaults;

namespace Campaigns.Tests.Policy;

public sealed class ContactPolicyTests
{
    private static readonly ContactPolicy Policy = new()
    {
        QuietHours = new Dictionary<string, QuietHours> { ["outbound_call"] = new(new TimeOnly(21, 0), new TimeOnly(8, 0)), ["sms"] = new(new TimeOnly(12, 0), new TimeOnly(13, 0)) },
        DefaultTimeZone = "Europe/Berlin",
        CountryTimeZones = new Dictionary<string, string> { ["US"] = "America/New_York" },
        RegionTimeZones = new Dictionary<string, string> { ["US/CA"] = "America/Los_Angeles" },
    };

    [Theory]
    [InlineData("US", "CA", "America/Los_Angeles")]
    [InlineData("US", "NY", "America/New_York")]
    [InlineData("us", null, "America/New_York")]
    [InlineData("FR", null, "Europe/Berlin")]
    [InlineData(null, null, "Europe/Berlin")]
    public void ZoneOf_PrefersRegionThenCountryThenDefault(string? country, string? region, string zone) =>
        Assert.Equal(zone, Policy.ZoneOf(country, region).Id);

    [Theory]
    [InlineData("2026-12-01T22:00:00Z", "2026-12-02T07:00:00Z")] // 23:00 in Berlin: until 08:00 the next day
    [InlineData("2026-12-02T01:30:00Z", "2026-12-02T07:00:00Z")] // 02:30, after midnight: until 08:00 the same day
    [InlineData("2026-12-01T19:59:00Z", null)]                     // 20:59: not quiet yet
    [InlineData("2026-12-02T07:00:00Z", null)]                     // 08:00: the end is not quiet
    [InlineData("2026-03-28T21:00:00Z", "2026-03-29T06:00:00Z")] // the night clocks go forward: 08:00 CEST
    public void QuietUntil_IsTheLocalEndOfTheQuietHours(string now, string? until) =>
        Assert.Equal(until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture),
            Policy.QuietUntil("outbound_call", DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), Policy.DefaultZone));

    [Fact]
    public void QuietHours_WithinADay_AndUnconfiguredChannels()
    {
        var noon = new DateTimeOffset(2026, 6, 1, 10, 30, 0, TimeSpan.Zero); // 12:30 in Berlin (summer)
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero), Policy.QuietUntil("sms", noon, Policy.DefaultZone));
        Assert.Null(Policy.QuietUntil("email", noon, Policy.DefaultZone));
        Assert.Equal("08:00-21:00", Policy.CallWindow("outbound_call"));
    }

    [Fact]
    public void Days_AreCountedInTheDefaultZone()
    {
        var late = new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero); // 00:30 on 2 December in Berlin
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero), Policy.DayStart(late));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 23, 0, 0, TimeSpan.Zero), Policy.NextDayStart(late));
    }

    [Fact]
    public void Request_AcceptsAValidPolicy()
    {
        var request = new ContactPolicyRequest
        {
            FrequencyCaps = [new FrequencyCapRequest { MaxContacts = 2, Days = 7 }],
            QuietHours = new Dictionary<string, QuietHoursRequest?> { ["sms"] = new() { Start = "22:00", End = "07:30" } },
            TimeZones = new TimeZonesRequest { Default = "UTC", Regions = new Dictionary<string, string?> { ["AU/NSW"] = "Australia/Sydney" } },
            DailyCapacity = new Dictionary<string, int> { ["outbound_call"] = 0 },
            GlobalControlShare = 0.1,
        };
        var errors = new ValidationErrors();

        var valid = request.Validate(errors);

        Assert.False(errors.HasErrors);
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 30)), valid!.Value.Policy.QuietHours["sms"]);
        Assert.Equal("Australia/Sydney", valid.Value.Policy.ZoneOf("AU", "NSW").Id);
        Assert.Equal(0.1, valid.Value.GlobalControlShare);
    }

    [Fact]
    public void Request_NamesEveryBadField()
    {
        var request = new ContactPolicyRequest
        {
            FrequencyCaps = [new FrequencyCapRequest { Channel = "fax", MaxContacts = null, Days = 400 }],
            QuietHours = new Dictionary<string, QuietHoursRequest?> { ["outbound_call"] = new() { Start = "08:00", End = "08:00" }, ["direct_mail"] = null },
            TimeZones = new TimeZonesRequest { Default = "W. Europe Standard Time" },
            GlobalControlShare = null,
        };
        var errors = new ValidationErrors();

        Assert.Null(request.Validate(errors));
        Assert.Equal(
            ["frequencyCaps[0].channel", "frequencyCaps[0].days", "frequencyCaps[0].maxContacts", "globalControlShare", "quietHours.direct_mail", "quietHours.outbound_call.end", "timeZones.default"],
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }
}

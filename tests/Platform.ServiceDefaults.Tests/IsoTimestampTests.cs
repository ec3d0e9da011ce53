using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Tests;

/// <summary>The platform's one timestamp grammar: ISO 8601 date-time with an offset or Z, nothing else.</summary>
public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("1997-01-01T00:00:00Z", "1997-01-01T00:00:00.0000000+00:00")]
    [InlineData("2024-05-01T14:30:05.123+02:00", "2024-05-01T12:30:05.1230000+00:00")]
    [InlineData("2024-05-01T14:30Z", "2024-05-01T14:30:00.0000000+00:00")]
    [InlineData("2024-05-01T14:30:05.5-01:30", "2024-05-01T16:00:05.5000000+00:00")]
    [InlineData("2024-05-01T14:30:05-00:00", "2024-05-01T14:30:05.0000000+00:00")]
    [InlineData("2024-02-29T23:59:59.1234567Z", "2024-02-29T23:59:59.1234560+00:00")] // below microseconds dropped
    [InlineData("  2024-05-01T00:00:00Z  ", "2024-05-01T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:30:00+14:00", "2023-12-31T10:30:00.0000000+00:00")]
    public void TryParse_AcceptsIsoDateTimesWithAnOffset_AsTheSameInstantInUtc(string text, string expectedUtc)
    {
        Assert.True(IsoTimestamp.TryParse(text, out var utc));
        Assert.Equal(TimeSpan.Zero, utc.Offset);
        Assert.Equal(expectedUtc, utc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2024-05-01T14:30:05")] // no offset: which moment?
    [InlineData("2024-05-01")] // a date is not a moment
    [InlineData("2024-05-01T14Z")]
    [InlineData("1997-01-01t00:00:00Z")] // lower-case t
    [InlineData("1997-01-01T00:00:00z")] // lower-case z
    [InlineData("2024-05-01 14:30:05+02:00")] // a space instead of T
    [InlineData("2024-05-01T14:30:05,5Z")] // decimal comma
    [InlineData("2024-05-01T14:30:05-0130")] // basic-format offset
    [InlineData("2024-05-01T14:30:05-05")] // hours-only offset
    [InlineData("2024-05-01T24:00:00Z")]
    [InlineData("2024-05-01T23:59:60Z")] // leap second
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2024-5-1T00:00:00Z")]
    [InlineData("20240501T000000Z")] // basic format
    [InlineData("2024-W18-3T00:00:00Z")] // week date
    [InlineData("2024-122T00:00:00Z")] // ordinal date
    [InlineData("2024-05-01T00:00:00+15:00")]
    [InlineData("2024-05-01T00:00:00+02:60")]
    [InlineData("2024-05-01T00:00:00 +02:00")]
    [InlineData("2024-05-01T00:00:00.Z")]
    [InlineData("2024-05-01T00:00:00GMT")]
    [InlineData("Wed, 01 May 2024 00:00:00 GMT")] // RFC 1123
    [InlineData("05/01/2024 00:00:00 +00:00")]
    [InlineData("1714521600")] // Unix seconds
    [InlineData("２０２４-05-01T00:00:00Z")] // full-width digits
    [InlineData("2024-05-01T00:00:00Z\0")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")] // before the first representable instant
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void TryParse_RefusesEverythingElse(string? text) =>
        Assert.False(IsoTimestamp.TryParse(text, out _));

    [Fact]
    public void ToMicroseconds_DropsTheTicksPostgresCannotKeep() =>
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_560),
            IsoTimestamp.ToMicroseconds(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567)));
}

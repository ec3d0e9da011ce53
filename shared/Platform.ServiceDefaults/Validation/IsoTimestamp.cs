using System.Globalization;

namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// The one timestamp grammar of every input (JSON bodies, CSV cells, query strings, segment rule values): an ISO 8601 /
/// RFC 3339 date-time that carries its offset, e.g. <c>1997-01-01T00:00:00Z</c>, <c>2024-05-01T14:30:05.123+02:00</c>.
/// A timestamp without an offset, a date alone, a week or ordinal date, a 24:00 or leap second are refused because
/// nobody can tell which moment they mean (or PostgreSQL cannot store it). Hand-written over a span because imports
/// parse millions of them.
/// </summary>
/// <remarks>
/// Exactly <c>yyyy-MM-ddTHH:mm[:ss[.fraction]](Z|±HH:mm)</c>: ASCII digits, an upper-case <c>T</c> and <c>Z</c>, a
/// fraction of any length after <c>.</c> (digits beyond microseconds dropped, as PostgreSQL keeps microseconds), an
/// offset of at most 14 hours. Surrounding whitespace is ignored (CSV cells). The result is the same instant in UTC.
/// </remarks>
public static class IsoTimestamp
{
    /// <summary>What validation messages say a timestamp must look like.</summary>
    public const string Expected = "must be an ISO 8601 timestamp with an offset or 'Z', e.g. 1997-01-01T00:00:00Z";

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm[:ss[.fraction]](Z|±HH:mm)</c>; the result is in UTC.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out DateTimeOffset utc)
    {
        utc = default;
        s = s.Trim();
        if (s.Length < 17
            || !Digits(s, 0, 4, out var year) || s[4] != '-'
            || !Digits(s, 5, 2, out var month) || s[7] != '-'
            || !Digits(s, 8, 2, out var day) || s[10] != 'T'
            || !Digits(s, 11, 2, out var hour) || s[13] != ':'
            || !Digits(s, 14, 2, out var minute))
        {
            return false;
        }

        var i = 16;
        var second = 0;
        long ticks = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!Digits(s, i + 1, 2, out second))
            {
                return false;
            }

            i += 3;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var start = i;
                long scale = TimeSpan.TicksPerSecond;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    // Digits beyond microseconds are accepted and dropped: PostgreSQL keeps microseconds, and a
                    // replay must compare equal to what was stored.
                    if (scale > 10)
                    {
                        scale /= 10;
                        ticks += (s[i] - '0') * scale;
                    }

                    i++;
                }

                if (i == start)
                {
                    return false;
                }
            }
        }

        if (!TryOffset(s[i..], out var offset)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Parses a string (null or blank is not a timestamp).</summary>
    public static bool TryParse(string? s, out DateTimeOffset utc)
    {
        utc = default;
        return s is not null && TryParse(s.AsSpan(), out utc);
    }

    /// <summary><paramref name="time"/> truncated to whole microseconds, the precision of PostgreSQL's timestamptz.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % 10));

    /// <summary>The canonical text of a UTC instant, as used in content-derived ids.</summary>
    public static string Format(DateTimeOffset utc) => utc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static bool TryOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (s is ['Z'])
        {
            return true;
        }

        if (s.Length != 6 || s[0] is not ('+' or '-') || !Digits(s, 1, 2, out var hours) || s[3] != ':' || !Digits(s, 4, 2, out var minutes)
            || hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (s[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}

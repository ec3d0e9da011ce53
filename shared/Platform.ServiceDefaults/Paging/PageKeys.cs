using System.Globalization;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Paging;

/// <summary>Sort-key parts of a <see cref="PageCursor"/> as text that reads back exactly.</summary>
public static class PageKeys
{
    /// <summary>A timestamp (microseconds, as PostgreSQL keeps them) in UTC.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a part made by <see cref="Time"/>.</summary>
    public static bool TryTime(string text, out DateTimeOffset time) => IsoTimestamp.TryParse(text, out time);

    /// <summary>Reads a part made from a <see cref="Guid"/>.</summary>
    public static bool TryId(string text, out Guid id) => Guid.TryParseExact(text, "D", out id);

    /// <summary>Reads a part made from a <see cref="long"/>.</summary>
    public static bool TryNumber(string text, out long number) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
}

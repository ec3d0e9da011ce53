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

    /// <summary>
    /// The (time, id) sort key of lists ordered by a timestamp and then an id (newest first or oldest first), read from
    /// <paramref name="page"/>'s cursor; both null on the first page. A cursor whose parts are not a time and an id is
    /// recorded in <paramref name="errors"/> as a bad <c>after</c>.
    /// </summary>
    public static (DateTimeOffset? Time, Guid? Id) TimeAndId(PageRequest? page, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (page?.Key is not [var time, var id])
        {
            return (null, null);
        }

        if (TryTime(time, out var t) && TryId(id, out var g))
        {
            return (t, g);
        }

        errors.Add("after", PageRequest.BadCursor);
        return (null, null);
    }

    /// <summary>Reads a part made from a <see cref="long"/>.</summary>
    public static bool TryNumber(string text, out long number) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
}

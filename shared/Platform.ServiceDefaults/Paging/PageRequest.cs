using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Platform.ServiceDefaults.Paging;

/// <summary>
/// The one paging convention of every list endpoint: <c>?after=&lt;cursor&gt;&amp;limit=&lt;n&gt;</c>, keyset (the query
/// continues after the sort key in the cursor; no OFFSET), <c>limit</c> from 1 to <see cref="MaxLimit"/> (default
/// <see cref="DefaultLimit"/>), answered as a <see cref="Page{T}"/> whose <c>next</c> link carries the following cursor.
/// </summary>
public sealed class PageRequest
{
    /// <summary>Items per page when <c>limit</c> is not given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest <c>limit</c> accepted; more is a 400 naming <c>limit</c>.</summary>
    public const int MaxLimit = 1_000;

    /// <summary>What a 400 says of an <c>after</c> that is not a cursor from this list.</summary>
    public const string BadCursor = "is not a cursor from this list's next link";

    private PageRequest(string[]? key, int limit)
    {
        Key = key;
        Limit = limit;
    }

    /// <summary>The sort key of the last item already shown (decoded from <c>after</c>), or null for the first page.</summary>
    public string[]? Key { get; }

    /// <summary>Items to show.</summary>
    public int Limit { get; }

    /// <summary>Rows to fetch: one more than <see cref="Limit"/>, so the query tells whether a next page exists.</summary>
    public int FetchLimit => Limit + 1;

    /// <summary>
    /// Reads <c>after</c> (a cursor holding <paramref name="keyParts"/> parts) and <c>limit</c> from the query string,
    /// recording a problem for each bad one in <paramref name="errors"/>; null when either is bad.
    /// </summary>
    public static PageRequest? Read(HttpRequest request, ValidationErrors errors, int keyParts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var ok = true;
        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText))
        {
            if (limitText.Count != 1 || !int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
            {
                errors.Add("limit", $"must be a whole number from 1 to {MaxLimit}");
                ok = false;
            }
        }

        string[]? key = null;
        if (request.Query.TryGetValue("after", out var after))
        {
            if (after.Count != 1 || string.IsNullOrEmpty(after[0]) || !PageCursor.TryDecode(after[0]!, keyParts, out key))
            {
                errors.Add("after", BadCursor);
                ok = false;
            }
        }

        return ok ? new PageRequest(key, limit) : null;
    }

    /// <summary>
    /// The page of <paramref name="rows"/> (fetched with <see cref="FetchLimit"/> in the list's order): at most
    /// <see cref="Limit"/> items, and when more rows exist a <c>next</c> link: the request's path and query with
    /// <c>after</c> set to the cursor of the last item shown (<paramref name="keyOf"/> gives its sort key).
    /// </summary>
    public Page<T> ToPage<T>(HttpRequest request, IReadOnlyList<T> rows, Func<T, string[]> keyOf)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keyOf);
        if (rows.Count <= Limit)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(Limit).ToList();
        var query = request.Query
            .Where(q => !string.Equals(q.Key, "after", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>("after", PageCursor.Encode(keyOf(items[^1]))));
        // Behind the gateway the service sees its own path; the gateway's route prefix comes as X-Forwarded-Prefix.
        var prefix = request.Headers["X-Forwarded-Prefix"].FirstOrDefault() ?? "";
        return new Page<T>(items, QueryHelpers.AddQueryString(prefix + request.PathBase + request.Path, query));
    }
}

namespace Gateway.Features.Keys;

/// <summary>Where sign-in may send a browser back to: a path of this gateway only, never another site (no open redirect).</summary>
public static class ReturnUrls
{
    /// <summary>Where sign-in goes without a <c>returnUrl</c>: the index of the results pages.</summary>
    public const string Default = "/pages/campaigns";

    /// <summary>
    /// Whether <paramref name="url"/> is a local path: starts with one <c>/</c> and not <c>//</c> or <c>/\</c> (both would
    /// be read by a browser as another host), holds no control characters (a browser drops tabs and newlines, so
    /// <c>/\t/evil.example</c> becomes <c>//evil.example</c>) and no backslash; at most 2,000 characters.
    /// </summary>
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 and <= 2000 }
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\\');
}

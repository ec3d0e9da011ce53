namespace Gateway.Features.Access;

/// <summary>
/// The one table of which scope each path of the gateway needs (pure: method and path in, <see cref="RouteAccess"/> out).
/// <list type="bullet">
/// <item>Anonymous: <c>/health/**</c>, <c>/openapi/**</c>, <c>/docs*</c>, <c>/sign-in</c>, and each service's
/// <c>/{service}/health/**</c> and <c>/{service}/openapi/**</c> (the documents are public, like the merged one).</item>
/// <item><c>/{service}/admin/**</c>: admin, forwarded with the gateway's own admin key.</item>
/// <item><c>DELETE /ingestion/v1/customers/**</c> (erasure): admin; the rest of <c>/ingestion/**</c>: ingest.</item>
/// <item><c>/segmentation/**</c>, <c>/campaigns/**</c>, <c>/measurement/**</c>: marketer.</item>
/// <item>Anything else is the gateway's own: its endpoint's <see cref="ScopeRequirement"/> decides.</item>
/// </list>
/// Segments are compared ignoring case and empty segments, like routing, so <c>/INGESTION//v1/Customers/x</c> is judged
/// as what it reaches.
/// </summary>
public static class AccessRules
{
    /// <summary>The services behind the gateway by their path prefix, and the scope their API needs.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceScopes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ingestion"] = Scopes.Ingest,
        ["segmentation"] = Scopes.Marketer,
        ["campaigns"] = Scopes.Marketer,
        ["measurement"] = Scopes.Marketer,
    };

    /// <summary>What a request with <paramref name="method"/> to <paramref name="path"/> needs.</summary>
    public static RouteAccess For(string method, string? path)
    {
        var segments = Segments(path);
        if (segments.Length == 0)
        {
            return RouteAccess.ByEndpoint;
        }

        var first = segments[0];
        if (Is(first, "health") || Is(first, "openapi") || first.StartsWith("docs", StringComparison.OrdinalIgnoreCase)
            || (segments.Length == 1 && Is(first, SignInCookie.Path.TrimStart('/'))))
        {
            return RouteAccess.Anonymous;
        }

        if (!ServiceScopes.TryGetValue(first, out var scope))
        {
            return RouteAccess.ByEndpoint;
        }

        if (segments.Length >= 2 && (Is(segments[1], "health") || Is(segments[1], "openapi")))
        {
            return RouteAccess.Anonymous;
        }

        if (segments.Length >= 2 && Is(segments[1], "admin"))
        {
            return RouteAccess.Needs(Scopes.Admin, serviceAdmin: true);
        }

        // Erasure removes a person from every service: an operator's act, not a feed's.
        if (Is(first, "ingestion") && HttpMethods.IsDelete(method) && segments.Length >= 3 && Is(segments[1], "v1") && Is(segments[2], "customers"))
        {
            return RouteAccess.Needs(Scopes.Admin);
        }

        return RouteAccess.Needs(scope);
    }

    /// <summary>Whether <paramref name="path"/> is a service's operator endpoint (<c>/{service}/admin/**</c>).</summary>
    public static bool IsServiceAdminPath(string? path)
    {
        var segments = Segments(path);
        return segments.Length >= 2 && ServiceScopes.ContainsKey(segments[0]) && Is(segments[1], "admin");
    }

    private static string[] Segments(string? path) => (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}

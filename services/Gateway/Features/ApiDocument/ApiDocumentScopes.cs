using Gateway.Features.Access;

namespace Gateway.Features.ApiDocument;

/// <summary>The scope the merged document names for each operation: the gateway's access rules, read for the document.</summary>
public static class ApiDocumentScopes
{
    private static readonly Dictionary<string, string> ServiceScopes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ingestion"] = Scopes.Ingest,
        ["segmentation"] = Scopes.Marketer,
        ["campaigns"] = Scopes.Marketer,
        ["measurement"] = Scopes.Marketer,
    };

    /// <summary>
    /// The scope for <paramref name="method"/> on gateway path <paramref name="path"/>: <c>/{service}/admin/**</c> and
    /// erasure need admin, the rest of a service its own scope; <c>null</c> for the gateway's own endpoints (their
    /// <see cref="ScopeRequirement"/> decides, written into their operations by <see cref="ApiDocumentExtensions"/>).
    /// </summary>
    public static string? For(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || !ServiceScopes.TryGetValue(segments[0], out var scope))
        {
            return null;
        }

        if (segments.Length >= 2 && segments[1] == "admin")
        {
            return Scopes.Admin;
        }

        return segments[0] == "ingestion" && HttpMethods.IsDelete(method) && segments.Length >= 3 && segments[2] == "customers" ? Scopes.Admin : scope;
    }
}

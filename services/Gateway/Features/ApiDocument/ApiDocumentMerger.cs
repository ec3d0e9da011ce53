using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Features.Access;
using Microsoft.OpenApi;

namespace Gateway.Features.ApiDocument;

/// <summary>
/// Merges the services' OpenAPI documents (and the gateway's own) into the one document of the platform (pure: documents
/// in, document out). Paths get their service's prefix; component schemas and operation ids that two documents define
/// differently are renamed with the service's name (<c>IngestionPage</c>, <c>ingestionListJobs</c>) so each keeps its
/// own; tags are united; every operation says the key scope it needs (bearer security with the scope named, an
/// <c>x-required-scope</c> extension and a sentence of its description) and the 401/403/429 the gateway answers.
/// </summary>
public static class ApiDocumentMerger
{
    /// <summary>The security scheme every secured operation names.</summary>
    public const string SecurityScheme = "bearerAuth";

    /// <summary>The operation extension naming the scope a key needs (OpenAPI has no scopes for bearer tokens).</summary>
    public const string ScopeExtension = "x-required-scope";

    private const string ProblemSchema = "ProblemDetails";
    private const string SchemaRefPrefix = "#/components/schemas/";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>
    /// The merged document. <paramref name="scopeOf"/> gives the scope a key needs for a method and gateway path
    /// (<c>""</c>: no key, <c>null</c>: the operation's own <see cref="ScopeExtension"/> decides, else admin).
    /// <paramref name="missing"/> names the services whose document could not be read; the description says so.
    /// </summary>
    public static OpenApiDocument Merge(IReadOnlyList<ApiSource> sources, Func<string, string, string?> scopeOf, IReadOnlyCollection<string> missing)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(scopeOf);
        ArgumentNullException.ThrowIfNull(missing);
        var documents = sources.Select(s => s with { Document = (JsonObject)s.Document.DeepClone() }).ToList();
        RenameCollidingSchemas(documents);
        RenameCollidingOperationIds(documents);

        var merged = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Database-marketing platform API",
                Version = "v1",
                Description = Description(documents, missing),
                License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
            },
            Servers = [new OpenApiServer { Url = "/", Description = "This gateway" }],
            Paths = [],
            Components = new OpenApiComponents
            {
                Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                Responses = new Dictionary<string, IOpenApiResponse>(StringComparer.Ordinal),
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    [SecurityScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "An API key sent as `Authorization: Bearer <key>`. A key holds one or more scopes: "
                            + "`ingest` (write customers, orders, responses and imports: Ingestion's API but erasure), "
                            + "`marketer` (segments, campaigns, results, the statistics calculator, the marketer endpoints and results pages), "
                            + "`admin` (erasure, keys, error queues and the services' other operator endpoints). "
                            + $"Each operation names the scope it needs (in `{ScopeExtension}` and its description); "
                            + "without a key: 401, with a key lacking the scope: 403, over the key's rate limit: 429 with `Retry-After`.",
                    },
                },
            },
            Tags = new HashSet<OpenApiTag>(),
        };

        foreach (var source in documents)
        {
            var document = Read(source);
            foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            {
                merged.Components.Schemas.TryAdd(name, schema);
            }

            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                // One tag per name; the first that has a description keeps it.
                if (merged.Tags.FirstOrDefault(t => t.Name == tag.Name) is { } known)
                {
                    known.Description ??= tag.Description;
                }
                else if (tag.Name is not null)
                {
                    merged.Tags.Add(tag);
                }
            }

            foreach (var (path, item) in document.Paths ?? [])
            {
                var gatewayPath = source.PathPrefix + path;
                foreach (var (method, operation) in item.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
                {
                    var scope = scopeOf(method.Method, gatewayPath) ?? Extension(operation, ScopeExtension) ?? Scopes.Admin;
                    Secure(merged, operation, scope);
                }

                merged.Paths[gatewayPath] = item;
            }
        }

        AddSharedResponses(merged);
        return merged;
    }

    /// <summary>The merged document as JSON (OpenAPI 3.1).</summary>
    public static string ToJson(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    private static OpenApiDocument Read(ApiSource source)
    {
        var result = OpenApiDocument.Parse(source.Document.ToJsonString(), "json");
        if (result.Document is null)
        {
            var errors = string.Join("; ", result.Diagnostic?.Errors.Select(e => e.ToString()) ?? []);
            throw new InvalidOperationException($"{source.Name}'s OpenAPI document could not be read: {errors}");
        }

        return result.Document;
    }

    private static string Description(IReadOnlyList<ApiSource> sources, IReadOnlyCollection<string> missing)
    {
        var text = "One front door for the platform: every service's API under its prefix ("
            + string.Join(", ", sources.Where(s => s.PathPrefix.Length > 0).Select(s => $"`{s.PathPrefix}/**` {s.Name}"))
            + ") and the gateway's own endpoints. Errors are `application/problem+json` (RFC 9457).";
        return missing.Count == 0
            ? text
            : text + $"\n\n**Incomplete:** the documents of {string.Join(", ", missing)} could not be read when this one was made; their operations are missing until they answer again.";
    }

    /// <summary>Bearer security with the scope named, the scope in the extension and description, and the gateway's refusals.</summary>
    private static void Secure(OpenApiDocument merged, OpenApiOperation operation, string scope)
    {
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        operation.Responses ??= [];
        if (scope.Length == 0)
        {
            operation.Extensions.Remove(ScopeExtension);
            operation.Security = [];
            return;
        }

        operation.Extensions[ScopeExtension] = new JsonNodeExtension(JsonValue.Create(scope));
        // OpenAPI 3.1 lets a non-OAuth scheme list the roles it needs: the scope is one.
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, merged)] = [scope] }];
        var sentence = $"Needs a key with scope `{scope}`.";
        operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? sentence : operation.Description.TrimEnd() + "\n\n" + sentence;
        operation.Responses["401"] = new OpenApiResponseReference("Unauthorized", merged);
        operation.Responses["403"] = new OpenApiResponseReference("Forbidden", merged);
        operation.Responses["429"] = new OpenApiResponseReference("TooManyRequests", merged);
    }

    private static void AddSharedResponses(OpenApiDocument merged)
    {
        var components = merged.Components!;
        components.Schemas!.TryAdd(ProblemSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem.",
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
        });
        components.Responses!["Unauthorized"] = Problem("No API key, or one that is unknown or revoked.");
        components.Responses["Forbidden"] = Problem("The API key lacks the scope this operation needs.");
        var tooMany = Problem("The API key's rate limit is exhausted: retry after `Retry-After` seconds.");
        tooMany.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
        {
            ["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            },
        };
        components.Responses["TooManyRequests"] = tooMany;

        OpenApiResponse Problem(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, merged) },
            },
        };
    }

    private static string? Extension(OpenApiOperation operation, string name) =>
        operation.Extensions?.TryGetValue(name, out var value) == true && value is JsonNodeExtension { Node: JsonValue node } && node.TryGetValue(out string? text)
            ? text
            : null;

    /// <summary>
    /// A schema name that two documents define differently is given the service's name in each (and every
    /// <c>$ref</c> to it follows); a rename can make schemas that referred to it differ in turn, so until nothing changes.
    /// </summary>
    private static void RenameCollidingSchemas(List<ApiSource> sources)
    {
        for (var round = 0; round < 16; round++)
        {
            var colliding = sources
                .SelectMany(s => Schemas(s.Document).Select(p => (Source: s, p.Key, Schema: p.Value)))
                .GroupBy(x => x.Key, StringComparer.Ordinal)
                .Where(g => g.Skip(1).Any(x => !JsonNode.DeepEquals(x.Schema, g.First().Schema)))
                .SelectMany(g => g.Select(x => (x.Source, x.Key)))
                .ToList();
            if (colliding.Count == 0)
            {
                return;
            }

            foreach (var (source, name) in colliding)
            {
                var schemas = Schemas(source.Document);
                var renamed = source.Name + name;
                schemas[renamed] = schemas[name]!.DeepClone();
                schemas.Remove(name);
                RewriteReferences(source.Document, SchemaRefPrefix + name, SchemaRefPrefix + renamed);
            }
        }

        throw new InvalidOperationException("component schema names still collide after renaming");
    }

    private static JsonObject Schemas(JsonObject document) =>
        document["components"]?["schemas"] as JsonObject ?? [];

    private static void RewriteReferences(JsonNode? node, string from, string to)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue reference && reference.TryGetValue(out string? target) && target == from)
                {
                    o["$ref"] = to;
                }

                foreach (var (_, child) in o.ToList())
                {
                    RewriteReferences(child, from, to);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    RewriteReferences(child, from, to);
                }

                break;
        }
    }

    /// <summary>
    /// Operation ids in camelCase (<c>createApiKey</c> for a route named <c>CreateApiKey</c>: one style for the generated
    /// clients' method names); an id used by more than one document (the operator endpoints every service has) gets the
    /// service's name before it.
    /// </summary>
    private static void RenameCollidingOperationIds(List<ApiSource> sources)
    {
        var operations = sources
            .SelectMany(s => Operations(s.Document).Select(o => (Source: s, Operation: o)))
            .Where(x => x.Operation["operationId"] is JsonValue value && value.TryGetValue(out string? id) && id.Length > 0)
            .ToList();
        foreach (var (_, operation) in operations)
        {
            var id = (string)operation["operationId"]!;
            operation["operationId"] = char.ToLowerInvariant(id[0]) + id[1..];
        }

        var shared = operations
            .GroupBy(x => (string)x.Operation["operationId"]!, StringComparer.Ordinal)
            .Where(g => g.Select(x => x.Source).Distinct().Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (source, operation) in operations)
        {
            var id = (string)operation["operationId"]!;
            if (shared.Contains(id))
            {
                operation["operationId"] = char.ToLowerInvariant(source.Name[0]) + source.Name[1..] + char.ToUpperInvariant(id[0]) + id[1..];
            }
        }
    }

    private static IEnumerable<JsonObject> Operations(JsonObject document) =>
        (document["paths"] as JsonObject ?? [])
            .Select(p => p.Value)
            .OfType<JsonObject>()
            .SelectMany(item => item.Where(m => Methods.Contains(m.Key, StringComparer.OrdinalIgnoreCase)).Select(m => m.Value).OfType<JsonObject>());
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EndToEnd;

/// <summary>
/// One write operation (POST, PUT, PATCH, DELETE) of a service as its <c>/openapi/v1.json</c> describes it, addressed
/// through the gateway, with path parameters filled in: the corpus tests find every operation this way, so an endpoint
/// added later is covered without touching them.
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Template">The gateway path with its parameters, e.g. <c>/segmentation/v1/segments/{segmentId}</c>.</param>
/// <param name="Url">The gateway path with plausible values for the parameters (fresh ids: nothing to find or change).</param>
/// <param name="BodyRequired">Whether the operation requires a body (an empty body is then hostile, otherwise it is the valid request).</param>
/// <param name="BodyIsArray">Whether the body's root is a JSON array (a batch).</param>
/// <param name="Properties">The body's (or a batch item's) properties with their JSON schema type and format, e.g. <c>("source", "string")</c>, <c>("segmentId", "string:uuid")</c>.</param>
/// <param name="QueryParameters">Names of the query-string parameters.</param>
public sealed record WriteOperation(
    HttpMethod Method,
    string Template,
    string Url,
    bool BodyRequired,
    bool BodyIsArray,
    IReadOnlyList<(string Name, string Type)> Properties,
    IReadOnlyList<string> QueryParameters)
{
    private static readonly string[] WriteMethods = ["post", "put", "patch", "delete"];

    public override string ToString() => $"{Method} {Template}";

    /// <summary>A string property of the body (one without a format when there is one), else any property, else a made-up name.</summary>
    public string StringProperty =>
        Properties.Where(p => p.Type == "string").Select(p => p.Name).FirstOrDefault()
        ?? Properties.Select(p => p.Name).FirstOrDefault()
        ?? "name";

    /// <summary>A number property of the body, else <see cref="StringProperty"/>.</summary>
    public string NumberProperty => Properties.Where(p => p.Type.StartsWith("number", StringComparison.Ordinal) || p.Type.StartsWith("integer", StringComparison.Ordinal)).Select(p => p.Name).FirstOrDefault() ?? StringProperty;

    /// <summary>
    /// Every write operation of the service behind gateway prefix <paramref name="service"/>, except its operator
    /// endpoints under <c>/admin</c> (the admin key guards them, see AdminApiKeyTests; through the gateway a key with scope admin).
    /// Throws when a path parameter cannot be given a plausible value or a JSON body's properties cannot be read:
    /// such an operation would go untested.
    /// </summary>
    public static async Task<List<WriteOperation>> ListAsync(HttpClient gateway, string service)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var document = (await gateway.GetFromJsonAsync<JsonObject>($"/{service}/openapi/v1.json"))!;
        var operations = new List<WriteOperation>();
        foreach (var (path, item) in (document["paths"] as JsonObject) ?? [])
        {
            if (path.StartsWith("/admin", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var (method, operationNode) in item!.AsObject())
            {
                if (!WriteMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var operation = operationNode!.AsObject();
                var parameters = (operation["parameters"] as JsonArray ?? []).Concat(item["parameters"] as JsonArray ?? []).Select(p => Resolve(p!, document)).ToList();
                var url = path;
                foreach (var parameter in parameters.Where(p => (string?)p["in"] == "path"))
                {
                    var name = (string)parameter["name"]!;
                    url = url.Replace("{" + name + "}", ValueFor(parameter, $"{method.ToUpperInvariant()} /{service}{path}"), StringComparison.Ordinal);
                }

                var body = operation["requestBody"] is { } requestBody ? Resolve(requestBody, document) : null;
                var schema = body?["content"]?["application/json"]?["schema"] is { } s ? Resolve(s, document) : null;
                var isArray = schema is not null && TypeOf(schema) == "array";
                var objectSchema = isArray && schema!["items"] is { } items ? Resolve(items, document) : schema;
                var properties = (objectSchema?["properties"] as JsonObject ?? [])
                    .Select(p => (p.Key, Type: (TypeOf(Resolve(p.Value!, document)) ?? "any") + (FormatOf(Resolve(p.Value!, document)) is { } format ? ":" + format : "")))
                    .ToList();
                if (schema is not null && properties.Count == 0)
                {
                    // The corpus aims at real fields (a NUL in a name the endpoint ignores would prove nothing).
                    throw new InvalidOperationException($"{method.ToUpperInvariant()} /{service}{path}: the properties of its JSON body could not be read from the OpenAPI schema; teach {nameof(WriteOperation)} this shape so the operation is tested");
                }

                operations.Add(new WriteOperation(
                    new HttpMethod(method.ToUpperInvariant()),
                    $"/{service}{path}",
                    $"/{service}{url}",
                    (bool?)body?["required"] ?? false,
                    isArray,
                    properties,
                    parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList()));
            }
        }

        return operations;
    }

    private static string ValueFor(JsonObject parameter, string operation)
    {
        var schema = parameter["schema"] as JsonObject;
        return (schema is null ? null : TypeOf(schema), schema is null ? null : FormatOf(schema)) switch
        {
            ("string", "uuid") => Guid.NewGuid().ToString(),
            ("integer", _) => "1",
            ("string", null) => "x",
            var other => throw new InvalidOperationException($"{operation}: no plausible value for path parameter '{parameter["name"]}' ({other}); teach {nameof(WriteOperation)} one so the operation is tested"),
        };
    }

    /// <summary>The schema's main type: "string", "number", ... ignoring "null" (OpenAPI 3.1 lists types as an array).</summary>
    private static string? TypeOf(JsonNode schema) => schema["type"] switch
    {
        JsonValue v => (string?)v,
        JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
        _ => schema["properties"] is not null ? "object" : null,
    };

    private static string? FormatOf(JsonNode schema) => (string?)schema["format"];

    /// <summary>
    /// Follows <c>$ref</c> (e.g. <c>#/components/schemas/CustomerRequest</c>) within the document, and for a nullable
    /// type (<c>oneOf: [{type: null}, {$ref: ...}]</c>, how an optional body is described) takes the non-null branch.
    /// </summary>
    private static JsonObject Resolve(JsonNode node, JsonObject document)
    {
        var current = node.AsObject();
        for (var hops = 0; hops < 16; hops++)
        {
            if ((current["oneOf"] ?? current["anyOf"]) is JsonArray alternatives
                && alternatives.FirstOrDefault(a => a is JsonObject o && (string?)(o["type"] as JsonValue) != "null") is JsonObject branch)
            {
                current = branch;
                continue;
            }

            if (current["$ref"] is not JsonValue reference)
            {
                break;
            }

            JsonNode target = document;
            foreach (var part in ((string)reference!).TrimStart('#', '/').Split('/'))
            {
                target = target[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                    ?? throw new InvalidOperationException($"unresolvable $ref {reference}");
            }

            current = target.AsObject();
        }

        return current;
    }
}

using System.Text.Json.Nodes;
using Gateway.Features.ApiDocument;

namespace Gateway.Tests;

/// <summary>The merge itself, on small documents (pure: no servers).</summary>
public sealed class ApiDocumentMergerTests
{
    private static readonly string[] None = [];

    [Fact]
    public void Merge_PrefixesPaths_AndKeepsEachServicesOwnVersionOfASchemaNameTheyDefineDifferently()
    {
        var ingestion = Document([("/v1/things", "get", "listThings", "Page")], schemas: new() { ["Page"] = Schema("items"), ["Shared"] = Schema("id") });
        var campaigns = Document([("/v1/things", "get", "listCampaignThings", "Page")], schemas: new() { ["Page"] = Schema("rows"), ["Shared"] = Schema("id") });

        var merged = Merged(Sources(("Ingestion", ingestion), ("Campaigns", campaigns)));

        var schemas = merged["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        Assert.Contains("IngestionPage", schemas);
        Assert.Contains("CampaignsPage", schemas);
        Assert.DoesNotContain("Page", schemas);
        Assert.Contains("Shared", schemas); // the same in both: one schema
        Assert.Equal("#/components/schemas/IngestionPage", (string?)ResponseSchema(merged, "/ingestion/v1/things")["$ref"]);
        Assert.Equal("#/components/schemas/CampaignsPage", (string?)ResponseSchema(merged, "/campaigns/v1/things")["$ref"]);
    }

    [Fact]
    public void Merge_AnOperationIdOfSeveralServices_GetsTheServicesName_AndEveryIdIsCamelCase()
    {
        var merged = Merged(Sources(
            ("Ingestion", Document(("/admin/jobs", "get", "listJobs", null), ("/v1/customers", "get", "ListCustomers", null))),
            ("Campaigns", Document(("/admin/jobs", "get", "listJobs", null)))));

        Assert.Equal("ingestionListJobs", (string?)merged["paths"]!["/ingestion/admin/jobs"]!["get"]!["operationId"]);
        Assert.Equal("campaignsListJobs", (string?)merged["paths"]!["/campaigns/admin/jobs"]!["get"]!["operationId"]);
        Assert.Equal("listCustomers", (string?)merged["paths"]!["/ingestion/v1/customers"]!["get"]!["operationId"]);
    }

    [Fact]
    public void Merge_NamesEachOperationsScope_AndTheGatewaysRefusals()
    {
        var own = Document(("/admin/keys", "post", "createKey", null), ("/sign-in", "get", "signInPage", null), ("/marketing/v1/x", "get", "x", null));
        own["paths"]!["/sign-in"]!["get"]!["x-required-scope"] = "";
        own["paths"]!["/marketing/v1/x"]!["get"]!["x-required-scope"] = "marketer";
        var sources = new List<ApiSource>
        {
            new("Gateway", "", own),
            new("Ingestion", "/ingestion", Document(("/v1/customers/{customerId}", "delete", "eraseCustomer", null), ("/v1/customers", "post", "upsertCustomer", null))),
        };

        var merged = Merged(sources);

        Assert.Equal("admin", Scope(merged, "/ingestion/v1/customers/{customerId}", "delete"));
        Assert.Equal("ingest", Scope(merged, "/ingestion/v1/customers", "post"));
        Assert.Equal("admin", Scope(merged, "/admin/keys", "post")); // the gateway's own without a ScopeRequirement
        Assert.Equal("marketer", Scope(merged, "/marketing/v1/x", "get"));
        var anonymous = merged["paths"]!["/sign-in"]!["get"]!.AsObject();
        Assert.Null(anonymous["x-required-scope"]);
        Assert.Empty(anonymous["security"]!.AsArray());
        Assert.Null(anonymous["responses"]!["401"]);
        var secured = merged["paths"]!["/ingestion/v1/customers"]!["post"]!;
        Assert.Equal("ingest", (string?)secured["security"]![0]!["bearerAuth"]![0]);
        Assert.Equal("#/components/responses/TooManyRequests", (string?)secured["responses"]!["429"]!["$ref"]);
        Assert.EndsWith("Needs a key with scope `ingest`.", (string?)secured["description"], StringComparison.Ordinal);
        Assert.NotNull(merged["components"]!["responses"]!["TooManyRequests"]!["headers"]!["Retry-After"]);
    }

    [Fact]
    public void Merge_WithMissingServices_NamesThemInTheDescription()
    {
        var merged = Merged(Sources(("Ingestion", Document(("/v1/customers", "get", "listCustomers", null)))), missing: ["Campaigns", "Measurement"]);

        Assert.Contains("**Incomplete:** the documents of Campaigns, Measurement could not be read", (string?)merged["info"]!["description"], StringComparison.Ordinal);
        Assert.NotNull(merged["paths"]!["/ingestion/v1/customers"]);
    }

    [Theory]
    [InlineData("GET", "/ingestion/v1/customers/{customerId}", "ingest")]
    [InlineData("DELETE", "/ingestion/v1/customers/{customerId}", "admin")]
    [InlineData("POST", "/ingestion/admin/error-queues/{endpoint}/replay", "admin")]
    [InlineData("GET", "/segmentation/v1/segments", "marketer")]
    [InlineData("POST", "/measurement/v1/stats/compare", "marketer")]
    [InlineData("GET", "/ingestion/openapi/v1.json", "")]
    [InlineData("GET", "/marketing/v1/campaigns", null)]
    public void ScopeOf_IsWhatTheKeyCheckAsks(string method, string path, string? scope) =>
        Assert.Equal(scope, MergedApiDocument.ScopeOf(method, path));

    private static JsonObject Merged(List<ApiSource> sources, string[]? missing = null) =>
        JsonNode.Parse(ApiDocumentMerger.ToJson(ApiDocumentMerger.Merge(sources, MergedApiDocument.ScopeOf, missing ?? None)))!.AsObject();

    private static List<ApiSource> Sources(params (string Name, JsonObject Document)[] services) =>
        services.Select(s => new ApiSource(s.Name, "/" + s.Name.ToLowerInvariant(), s.Document)).ToList();

    private static string? Scope(JsonObject merged, string path, string method) => (string?)merged["paths"]![path]![method]!["x-required-scope"];

    private static JsonNode ResponseSchema(JsonObject merged, string path) => merged["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

    private static JsonObject Schema(string property) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { [property] = new JsonObject { ["type"] = "string" } },
    };

    /// <summary>An OpenAPI 3.1 document with the given operations (path, method, operation id, the schema its 200 answers with).</summary>
    private static JsonObject Document((string Path, string Method, string Id, string? Schema)[] operations, Dictionary<string, JsonObject>? schemas = null)
    {
        var paths = new JsonObject();
        foreach (var (path, method, id, schema) in operations)
        {
            var response = new JsonObject { ["description"] = "OK" };
            if (schema is not null)
            {
                response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schema } } };
            }

            var item = paths[path] as JsonObject ?? [];
            item[method] = new JsonObject { ["operationId"] = id, ["summary"] = id, ["responses"] = new JsonObject { ["200"] = response } };
            paths[path] = item;
        }

        var components = new JsonObject();
        if (schemas is not null)
        {
            components["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject { ["title"] = "t", ["version"] = "v1" },
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    private static JsonObject Document(params (string Path, string Method, string Id, string? Schema)[] operations) => Document(operations, null);
}

using System.Text.Json.Nodes;
using Gateway.Features.Access;
using Gateway.Features.Proxy;
using Microsoft.AspNetCore.OpenApi;

namespace Gateway.Features.ApiDocument;

/// <summary>
/// The merged document, made on demand and kept for <see cref="FreshFor"/> (a shorter <see cref="IncompleteFreshFor"/>
/// while a service's document is missing, so it appears soon after the service is back). A service that does not
/// answer within <see cref="FetchTimeout"/> is left out and named in the description: the document never fails
/// because a service is down.
/// </summary>
public sealed class MergedApiDocument(
    IHttpClientFactory httpClients,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider time,
    ILogger<MergedApiDocument> logger) : IDisposable
{
    /// <summary>The named HttpClient that fetches the services' documents.</summary>
    public const string HttpClientName = "api-document";

    /// <summary>How long a complete document is served before it is made again.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);

    /// <summary>How long a document missing a service is served before it is made again.</summary>
    public static readonly TimeSpan IncompleteFreshFor = TimeSpan.FromSeconds(3);

    /// <summary>How long one service's document may take.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _making = new(1, 1);
    private (string Json, DateTimeOffset FreshUntil)? _cached;

    /// <summary>The merged document as JSON, from the cache while it is fresh.</summary>
    public async Task<string> GetJsonAsync(CancellationToken ct)
    {
        if (_cached is { } cached && time.GetUtcNow() < cached.FreshUntil)
        {
            return cached.Json;
        }

        await _making.WaitAsync(ct);
        try
        {
            if (_cached is { } again && time.GetUtcNow() < again.FreshUntil)
            {
                return again.Json;
            }

            var (json, complete) = await MakeAsync(ct);
            _cached = (json, time.GetUtcNow() + (complete ? FreshFor : IncompleteFreshFor));
            return json;
        }
        finally
        {
            _making.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _making.Dispose();

    private async Task<(string Json, bool Complete)> MakeAsync(CancellationToken ct)
    {
        var fetches = GatewayExtensions.Services
            .Select(s => (s.Name, Document: FetchAsync(s.Name, GatewayExtensions.AddressOf(configuration, s.Name, s.DefaultAddress), ct)))
            .ToList();
        var sources = new List<ApiSource> { new("Gateway", "", await OwnDocumentAsync(ct)) };
        var missing = new List<string>();
        foreach (var (name, fetch) in fetches)
        {
            if (await fetch is { } document)
            {
                sources.Add(new ApiSource(name, "/" + name.ToLowerInvariant(), document));
            }
            else
            {
                missing.Add(name);
            }
        }

        var merged = ApiDocumentMerger.Merge(sources, ScopeOf, missing);
        return (ApiDocumentMerger.ToJson(merged), missing.Count == 0);
    }

    /// <summary>
    /// The scope the key check asks of a request to <paramref name="path"/> (<see cref="AccessRules"/>): <c>""</c> for
    /// none, <c>null</c> where the gateway's own endpoint decides (its scope is in its operation, see <see cref="ApiDocumentExtensions"/>).
    /// </summary>
    public static string? ScopeOf(string method, string path) => AccessRules.For(method, path) switch
    {
        { Kind: RouteAccessKind.Anonymous } => "",
        { Kind: RouteAccessKind.Scope, Scope: var scope } => scope,
        _ => null,
    };

    /// <summary>The gateway's own endpoints (keys, marketer endpoints, pages), as ASP.NET Core describes them.</summary>
    private async Task<JsonObject> OwnDocumentAsync(CancellationToken ct)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(Platform.ServiceDefaults.OpenApi.ServiceDocumentExtensions.DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(ct);
        return JsonNode.Parse(ApiDocumentMerger.ToJson(document))!.AsObject();
    }

    private async Task<JsonObject?> FetchAsync(string name, string address, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(FetchTimeout);
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(new Uri(new Uri(address.TrimEnd('/') + "/"), "openapi/v1.json"), timeout.Token);
            response.EnsureSuccessStatusCode();
            var json = await response.Content.ReadAsStringAsync(timeout.Token);
            // A document the OpenAPI reader cannot read is left out like an unreachable one, never a 500 for the whole.
            if (Microsoft.OpenApi.OpenApiDocument.Parse(json, "json").Document is null)
            {
                logger.LogWarning("The OpenAPI document of {Service} at {Address} is not a readable OpenAPI document; the merged document leaves it out", name, address);
                return null;
            }

            return JsonNode.Parse(json) as JsonObject;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or Microsoft.OpenApi.OpenApiException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "The OpenAPI document of {Service} at {Address} could not be read; the merged document leaves it out", name, address);
            return null;
        }
    }
}

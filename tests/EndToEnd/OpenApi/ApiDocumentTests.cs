using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Testing;
using Xunit.Abstractions;

namespace EndToEnd.OpenApi; // not EndToEnd.Gateway: that would hide the Gateway service's namespace from the other tests

/// <summary>
/// The gateway's one OpenAPI document (<c>GET /openapi/v1.json</c>, merged from every service's): it passes
/// <c>redocly lint</c> with the recommended rules, describes every operation (summary, id, 4xx, scope), is served
/// without a key, leaves out a service that is down instead of failing, and its browser at <c>/docs</c> loads nothing
/// from outside.
/// </summary>
public sealed partial class ApiDocumentTests(AllServices services, ITestOutputHelper output) : IClassFixture<AllServices>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task MergedDocument_PassesRedoclyLint_WithNoErrors()
    {
        var json = await AnonymousGetStringAsync(services.Gateway, "/openapi/v1.json");
        var path = Path.Combine(Path.GetTempPath(), $"platform-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            var (exitCode, errors, warnings, problems, version) = await Redocly.LintAsync(path);
            output.WriteLine($"redocly {version}: {errors} errors, {warnings} warnings");
            output.WriteLine(problems);

            Assert.True(errors == 0 && exitCode == 0, $"redocly {version} lint: exit {exitCode}, {errors} errors, {warnings} warnings:\n{problems}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task MergedDocument_HasEveryServicesOperations_EachWithSummaryIdProblemsAndScope()
    {
        var document = JsonNode.Parse(await AnonymousGetStringAsync(services.Gateway, "/openapi/v1.json"))!.AsObject();
        var paths = document["paths"]!.AsObject();

        foreach (var service in AllServices.Names)
        {
            Assert.Contains(paths, p => p.Key.StartsWith($"/{service}/v1/", StringComparison.Ordinal));
            Assert.Contains(paths, p => p.Key.StartsWith($"/{service}/admin/", StringComparison.Ordinal));
        }

        // The gateway's own endpoints come from its own ASP.NET Core document, with the scope their endpoint requires.
        Assert.Equal("admin", (string?)paths["/admin/keys"]?["post"]?["x-required-scope"]);
        Assert.DoesNotContain("Incomplete", (string?)document["info"]!["description"], StringComparison.Ordinal);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearerAuth"]!["scheme"]);
        var ids = new List<string>();
        var failures = new List<string>();
        foreach (var (path, item) in paths)
        {
            foreach (var (method, node) in item!.AsObject().Where(m => Methods.Contains(m.Key)))
            {
                var operation = node!.AsObject();
                var name = $"{method.ToUpperInvariant()} {path}";
                var responses = operation["responses"]?.AsObject().Select(r => r.Key).ToList() ?? [];
                if (string.IsNullOrWhiteSpace((string?)operation["summary"]))
                {
                    failures.Add($"{name}: no summary");
                }

                if ((string?)operation["operationId"] is { Length: > 0 } id)
                {
                    ids.Add(id);
                }
                else
                {
                    failures.Add($"{name}: no operationId");
                }

                if (!responses.Any(r => r.StartsWith('4')))
                {
                    failures.Add($"{name}: no 4xx response");
                }

                var scope = (string?)operation["x-required-scope"];
                var expected = path.Split('/')[2] == "admin" || (path.StartsWith("/ingestion/v1/customers", StringComparison.Ordinal) && method == "delete") ? "admin"
                    : path.StartsWith("/ingestion/", StringComparison.Ordinal) ? "ingest"
                    : AllServices.Names.Any(s => path.StartsWith($"/{s}/", StringComparison.Ordinal)) ? "marketer"
                    : scope;
                if (scope != expected || scope is null)
                {
                    failures.Add($"{name}: scope {scope ?? "(none)"}, expected {expected ?? "one"}");
                }
                else if (scope.Length > 0 && !(responses.Contains("401") && responses.Contains("403") && responses.Contains("429") && operation["security"] is JsonArray { Count: 1 }))
                {
                    failures.Add($"{name}: secured by {scope} without bearer security and 401/403/429");
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("upsertCustomer", ids);
        Assert.Contains("listCampaigns", ids);
        Assert.Contains("ingestionListErrorQueues", ids);
        // Two services define PreviewRequest differently: each keeps its own under its service's name.
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Contains("SegmentationPreviewRequest", schemas.Select(s => s.Key));
        Assert.Contains("CampaignsPreviewRequest", schemas.Select(s => s.Key));
        Assert.DoesNotContain("PreviewRequest", schemas.Select(s => s.Key));
    }

    /// <summary>
    /// A second gateway whose services are the first gateway's (<c>http://proxy/measurement</c> reaches Measurement's
    /// <c>/openapi/v1.json</c> through it), Measurement behind a proxy that is cut: the document is served without
    /// Measurement and says so, and once Measurement answers again it is back (the short cache of an incomplete document).
    /// </summary>
    [Fact]
    public async Task MergedDocument_WithAServiceDown_LeavesItOutAndSaysSo_UntilItIsBack()
    {
        await using var reachable = TcpProxy.Start("127.0.0.1", services.Gateway.Port);
        await using var measurement = TcpProxy.Start("127.0.0.1", services.Gateway.Port);
        measurement.Cut();
        var addresses = Gateway.Features.Proxy.GatewayExtensions.Services.ToDictionary(
            s => $"Services:{s.Name}",
            s => (string?)$"http://127.0.0.1:{(s.Name == "Measurement" ? measurement.Port : reachable.Port)}/{s.Name.ToLowerInvariant()}",
            StringComparer.Ordinal);
        await using var gateway = await ApiKeys.TestGateway.StartAsync("apidoc", addresses);
        var address = gateway.Address;

        var document = JsonNode.Parse(await AnonymousGetStringAsync(address, "/openapi/v1.json"))!.AsObject();

        Assert.EndsWith("**Incomplete:** the documents of Measurement could not be read when this one was made; their operations are missing until they answer again.", (string?)document["info"]!["description"], StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/ingestion/v1/customers", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/measurement/", StringComparison.Ordinal));

        measurement.Restore();
        await Eventually.TrueAsync(
            async () => JsonNode.Parse(await AnonymousGetStringAsync(address, "/openapi/v1.json"))!["paths"]!.AsObject().Any(p => p.Key == "/measurement/v1/stats/compare"),
            "Measurement's operations back in the merged document");
    }

    [Fact]
    public async Task Docs_ServesTheBrowser_WithItsScriptFromTheGatewayItself()
    {
        using var client = new HttpClient { BaseAddress = services.Gateway };
        var page = await client.GetStringAsync("/docs");

        Assert.DoesNotContain("https://", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", page, StringComparison.OrdinalIgnoreCase);
        var scripts = ScriptSources().Matches(page).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var response = await client.GetAsync(new Uri(new Uri(services.Gateway, "/docs/"), script));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }

        // Scalar resolves the document's address against the application's base: /openapi/v1.json, the merged one.
        Assert.Contains("\"url\":\"openapi/v1.json\"", page, StringComparison.Ordinal);
    }

    /// <summary>Fetched without a key: the document and its browser are public.</summary>
    private static async Task<string> AnonymousGetStringAsync(Uri gateway, string path)
    {
        using var client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(1) };
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<src>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSources();
}

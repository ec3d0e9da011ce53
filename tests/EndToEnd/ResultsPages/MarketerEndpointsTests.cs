using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EndToEnd.ApiKeys;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ResultsPages;

/// <summary>
/// The gateway's marketer endpoints over HTTP: one call gives design, progress and results equal to what Campaigns and
/// Measurement answer; the list's headlines equal Measurement's side-by-side figures; a service that is down leaves
/// its part null and named; unknown and malformed ids are problem+json.
/// </summary>
[Collection(ResultsPagesTests.Name)]
public sealed class MarketerEndpointsTests(ResultsCampaign campaign) : IDisposable
{
    private readonly HttpClient _client = campaign.Services.CreateClient();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Overview_OneCall_GivesDesignProgressAndResultsAsTheServicesAnswerThem()
    {
        var overview = await _client.GetFromJsonAsync<JsonElement>($"/marketing/v1/campaigns/{campaign.CampaignId}");
        var design = await _client.GetFromJsonAsync<JsonElement>($"/campaigns/v1/campaigns/{campaign.CampaignId}");
        var results = await _client.GetFromJsonAsync<JsonElement>($"/measurement/v1/campaigns/{campaign.CampaignId}/results");

        Assert.Equal(campaign.CampaignId, overview.GetProperty("id").GetGuid());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(design.GetProperty("design").GetRawText()), JsonNode.Parse(overview.GetProperty("design").GetRawText())));
        Assert.True(JsonNode.DeepEquals(WithoutComputedAt(results), WithoutComputedAt(overview.GetProperty("results"))));
        Assert.Equal(0, overview.GetProperty("problems").GetArrayLength());

        var progress = overview.GetProperty("progress");
        Assert.Equal(design.GetProperty("status").GetString(), progress.GetProperty("status").GetString());
        Assert.Equal(ResultsCampaign.Prospects, progress.GetProperty("memberCount").GetInt32());
        var cells = progress.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("cell").GetString()!, c => c.GetProperty("assigned").GetInt64());
        foreach (var cell in results.GetProperty("cells").EnumerateArray())
        {
            Assert.Equal(cell.GetProperty("assigned").GetInt64(), cells[cell.GetProperty("cell").GetString()!]);
        }

        var made = results.GetProperty("cells").EnumerateArray().SelectMany(c => c.GetProperty("bySteps").EnumerateArray()).Sum(s => s.GetProperty("contacted").GetInt64());
        Assert.True(made > 0);
        Assert.Equal(made, progress.GetProperty("contacts").GetProperty("made").GetInt64());
    }

    [Fact]
    public async Task MarketerEndpointsAndPages_NeedTheMarketerScope()
    {
        var ingestKey = await campaign.Services.CreateKeyAsync("results pages: a feed", [Scopes.Ingest]);
        using var marketer = campaign.Services.CreateClient(key: campaign.MarketerKey);
        using var feed = campaign.Services.CreateClient(key: ingestKey);
        using var nobody = campaign.Services.CreateClient(key: "");

        foreach (var path in new[] { "/marketing/v1/campaigns", $"/marketing/v1/campaigns/{campaign.CampaignId}", "/pages/campaigns", $"/pages/campaigns/{campaign.CampaignId}" })
        {
            using var allowed = await marketer.GetAsync(path);
            using var forbidden = await feed.GetAsync(path);
            using var anonymous = await nobody.GetAsync(path);
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized), (allowed.StatusCode, forbidden.StatusCode, anonymous.StatusCode));
        }
    }

    [Fact]
    public async Task Overview_OfADraft_HasItsDesignAndNoResults()
    {
        var overview = await _client.GetFromJsonAsync<JsonElement>($"/marketing/v1/campaigns/{campaign.DraftId}");

        Assert.Equal("draft", overview.GetProperty("progress").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("results").ValueKind);
        Assert.Equal("Draft & not launched", overview.GetProperty("design").GetProperty("name").GetString());
        Assert.Equal(0, overview.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Overview_UnknownCampaign_Is404ProblemJson_AndAMalformedId400NamingIt()
    {
        using var unknown = await _client.GetAsync($"/marketing/v1/campaigns/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        using var bad = await _client.GetAsync("/marketing/v1/campaigns/not-a-uuid");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task List_HeadlineIsTheBestCellsResponseLiftAndRoi_AsMeasurementComparesThem()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>("/marketing/v1/campaigns");
        var compared = await _client.GetFromJsonAsync<JsonElement>($"/measurement/v1/results?campaign={campaign.CampaignId}");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        var ours = items.Single(i => i.GetProperty("id").GetGuid() == campaign.CampaignId);
        var draft = items.Single(i => i.GetProperty("id").GetGuid() == campaign.DraftId);
        Assert.Equal(ResultsCampaign.Name, ours.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, draft.GetProperty("headline").ValueKind);

        var measured = compared.GetProperty("campaigns")[0];
        var best = measured.GetProperty("cells").EnumerateArray().MaxBy(c => c.GetProperty("responseLift").GetProperty("absolute").GetDouble());
        var headline = ours.GetProperty("headline");
        Assert.Equal("mail_call", headline.GetProperty("bestCell").GetString()); // the seeded rates: 13% against mail's 8%
        Assert.Equal(best.GetProperty("cell").GetString(), headline.GetProperty("bestCell").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(best.GetProperty("responseLift").GetRawText()), JsonNode.Parse(headline.GetProperty("responseLift").GetRawText())));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(best.GetProperty("roi").GetRawText()), JsonNode.Parse(headline.GetProperty("roi").GetRawText())));
        Assert.Equal(measured.GetProperty("sampleRatioMismatch").GetBoolean(), headline.GetProperty("sampleRatioMismatch").GetBoolean());
        Assert.Equal(measured.GetProperty("sampleRatioPValue").GetDouble(), headline.GetProperty("sampleRatioPValue").GetDouble());
        Assert.Equal(measured.GetProperty("controlContacted").GetBoolean(), headline.GetProperty("controlContacted").GetBoolean());
    }

    [Fact]
    public async Task List_NextLinkPointsAtTheGatewaysRoute_AndGivesTheFollowingPage()
    {
        var first = await _client.GetFromJsonAsync<JsonElement>("/marketing/v1/campaigns?limit=1");
        var next = first.GetProperty("next").GetString()!;
        Assert.StartsWith("/marketing/v1/campaigns?", next, StringComparison.Ordinal);
        Assert.Contains("limit=1", next, StringComparison.Ordinal);

        var second = await _client.GetFromJsonAsync<JsonElement>(next);
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Contains(campaign.CampaignId, ids);
        Assert.Contains(campaign.DraftId, ids);

        using var bad = await _client.GetAsync("/marketing/v1/campaigns?limit=0&status=nonsense");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("limit", out _) && errors.TryGetProperty("status", out _));
    }

    [Fact]
    public async Task MeasurementDown_ResultsAndHeadlinesAreNullAndNamed_NotA500()
    {
        // A gateway whose Measurement address answers nothing (a proxy that is cut), the rest real.
        await using var proxy = TcpProxy.Start("127.0.0.1", new Uri(campaign.Services.ServiceAddresses["Services:Measurement"]!).Port);
        proxy.Cut();
        var settings = new Dictionary<string, string?>(campaign.Services.ServiceAddresses) { ["Services:Measurement"] = $"http://127.0.0.1:{proxy.Port}" };
        await using var gateway = await TestGateway.StartAsync("resultsdown", settings);
        using var client = gateway.CreateClient();

        var overview = await client.GetFromJsonAsync<JsonElement>($"/marketing/v1/campaigns/{campaign.CampaignId}");
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("results").ValueKind);
        Assert.Equal(ResultsCampaign.Name, overview.GetProperty("design").GetProperty("name").GetString());
        var problem = Assert.Single(overview.GetProperty("problems").EnumerateArray());
        Assert.Equal("results", problem.GetProperty("part").GetString());
        Assert.Equal("Measurement", problem.GetProperty("service").GetString());

        var page = await client.GetFromJsonAsync<JsonElement>("/marketing/v1/campaigns");
        Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.Equal(JsonValueKind.Null, i.GetProperty("headline").ValueKind));
        Assert.Equal("Measurement", page.GetProperty("problems")[0].GetProperty("service").GetString());

        using var html = await client.GetAsync($"/pages/campaigns/{campaign.CampaignId}");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("data-problem=\"results\"", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_IsSelfContainedHtml_WithTheNameEncoded()
    {
        using var response = await _client.GetAsync($"/pages/campaigns/{campaign.CampaignId}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);

        using var unknown = new HttpRequestMessage(HttpMethod.Get, $"/pages/campaigns/{Guid.NewGuid()}");
        unknown.Headers.Accept.ParseAdd("text/html");
        using var notFound = await _client.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("text/html", notFound.Content.Headers.ContentType?.MediaType);
        using var problem = await _client.GetAsync($"/pages/campaigns/{Guid.NewGuid()}");
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Overview_ContinuesTheCallersTrace_IntoCampaignsAndMeasurement()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        // The services run in this process: a client that sends only the trace header given, not a span of its own.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = campaign.Services.Gateway };
        client.DefaultRequestHeaders.Authorization = _client.DefaultRequestHeaders.Authorization;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/marketing/v1/campaigns/{campaign.CampaignId}");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        foreach (var path in new[] { $"/v1/campaigns/{campaign.CampaignId}", $"/v1/campaigns/{campaign.CampaignId}/results" })
        {
            await Eventually.TrueAsync(() => Task.FromResult(spans.Any(a =>
                a.TraceId == traceId && a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string) == path)), $"the service's span of {path} in the caller's trace");
        }
    }

    private static JsonObject WithoutComputedAt(JsonElement results)
    {
        var node = JsonNode.Parse(results.GetRawText())!.AsObject();
        // Computed at request time: the two calls differ by the time between them (computedAt, the cohort's asOf), nothing else.
        node.Remove("computedAt");
        node["quality"]?["acquisition"]?.AsObject().Remove("asOf");
        return node;
    }
}

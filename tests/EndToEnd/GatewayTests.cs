using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EndToEnd.ApiKeys;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd;

/// <summary>The gateway, on a real loopback port, proxies to Ingestion and Segmentation, also on real ports.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private TestVirtualHost _vhost = null!;
    private TestDatabase _ingestionDb = null!;
    private TestDatabase _segmentationDb = null!;
    private ServiceApp<Ingestion.Program> _ingestion = null!;
    private ServiceApp<Segmentation.Program> _segmentation = null!;
    private TestGateway _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("gateway");
        _ingestionDb = await TestDatabase.CreateAsync("gw_ingestion");
        _segmentationDb = await TestDatabase.CreateAsync("gw_segmentation");
        _segmentation = new ServiceApp<Segmentation.Program>(ServiceSettings.For(_segmentationDb, _vhost));
        var segmentation = _segmentation.StartOnLoopback();
        await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-customers-upserted"), "segmentation's queue");
        _ingestion = new ServiceApp<Ingestion.Program>(ServiceSettings.For(_ingestionDb, _vhost));
        var ingestion = _ingestion.StartOnLoopback();
        _gateway = await TestGateway.StartAsync("gateway", new Dictionary<string, string?>
        {
            ["Services:Ingestion"] = ingestion.ToString().TrimEnd('/'),
            ["Services:Segmentation"] = segmentation.ToString().TrimEnd('/'),
        });
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _ingestion.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _segmentationDb.DisposeAsync();
        await _ingestionDb.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task PostThroughGateway_ThenProfileReadableThroughGateway()
    {
        var response = await _client.PostAsJsonAsync("/ingestion/v1/customers", new { source = "gateway", externalId = "g-1", country = "SE" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var customerId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();

        var profile = await Eventually.ValueAsync(async () =>
        {
            var r = await _client.GetAsync($"/segmentation/v1/profiles/{customerId}");
            return r.IsSuccessStatusCode ? await r.Content.ReadAsStringAsync() : null;
        }, "profile through the gateway");
        Assert.Equal("SE", JsonDocument.Parse(profile).RootElement.GetProperty("country").GetString());
    }

    [Fact]
    public async Task BadInputThroughGateway_KeepsTheServicesProblemDetails()
    {
        var response = await _client.PostAsJsonAsync("/ingestion/v1/customers", new { source = "gateway" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("externalId", out _));
    }

    [Fact]
    public async Task UnknownPrefix_Returns404_AndGatewayHealthIsServed()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/nowhere/v1/things")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/ingestion/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ListThroughGateway_NextLinkKeepsTheGatewayPrefix()
    {
        foreach (var name in new[] { "gw-a", "gw-b" })
        {
            var created = await _client.PostAsJsonAsync("/segmentation/v1/segments", new { name, rule = new { field = "orders_count", op = "gte", value = 1 } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var first = await _client.GetFromJsonAsync<JsonElement>("/segmentation/v1/segments?limit=1");
        var next = first.GetProperty("next").GetString();
        Assert.StartsWith("/segmentation/v1/segments?", next, StringComparison.Ordinal);
        var second = await _client.GetFromJsonAsync<JsonElement>(next);
        Assert.Equal("gw-b", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task AdminEndpoints_ReachTheServiceWithTheGatewaysAdminKey_ForAKeyWithScopeAdminOnly()
    {
        using var admin = _gateway.CreateClient(key: await _gateway.CreateKeyAsync("gw admin", [Scopes.Admin]));
        var queues = await admin.GetFromJsonAsync<JsonElement>("/segmentation/admin/error-queues");
        Assert.Contains(queues.EnumerateArray(), q => q.GetProperty("endpoint").GetString() == "segmentation-customers-upserted" && q.GetProperty("messages").GetInt32() == 0);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/segmentation/ADMIN/jobs")).StatusCode);

        using var marketer = _gateway.CreateClient(key: await _gateway.CreateKeyAsync("gw marketer", [Scopes.Marketer]));
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.GetAsync("/segmentation/admin/error-queues")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsync("/segmentation/ADMIN/error-queues/segmentation-customers-upserted/replay", null)).StatusCode);
    }
}

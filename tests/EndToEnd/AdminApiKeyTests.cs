using System.Net;
using System.Net.Http.Headers;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Every <c>/admin/**</c> path of a service needs <c>Authorization: Bearer</c> with the configured <c>Admin:ApiKey</c>
/// (the shared pipeline guards the prefix, so admin endpoints added later are covered); no key configured refuses all;
/// <c>/admin/noop</c> exists only with <c>Benchmark:Enabled</c>. Campaigns stands for every service (same defaults).
/// </summary>
public sealed class AdminApiKeyTests : IAsyncLifetime
{
    private TestVirtualHost _vhost = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("admin-key");
        _database = await TestDatabase.CreateAsync("admin_key");
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/admin/error-queues")]
    [InlineData("POST", "/admin/error-queues/campaigns-anything/replay")]
    [InlineData("GET", "/ADMIN/error-queues")]
    [InlineData("GET", "/admin/endpoint-added-later")]
    [InlineData("POST", "/admin/noop")]
    public async Task WithoutKeyOrWithAWrongOne_Is401ProblemDetails(string method, string path)
    {
        await using var app = new ServiceApp<Campaigns.Program>(ServiceSettings.For(_database, _vhost));
        using var client = app.CreateClient();

        var none = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var wrong = new HttpRequestMessage(new HttpMethod(method), path);
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestServers.AdminApiKey + "x");
        var wrongKey = await client.SendAsync(wrong);
        var basic = new HttpRequestMessage(new HttpMethod(method), path);
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", TestServers.AdminApiKey);
        var wrongScheme = await client.SendAsync(basic);

        foreach (var response in new[] { none, wrongKey, wrongScheme })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task WithTheKey_AdminEndpointsAnswer_AndOtherPathsNeedNoKey()
    {
        await using var app = new ServiceApp<Campaigns.Program>(ServiceSettings.For(_database, _vhost));
        using var admin = app.CreateAdminClient();
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/error-queues")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/error-queues")).StatusCode);
    }

    [Fact]
    public async Task NoKeyConfigured_RefusesEveryAdminRequest()
    {
        var settings = ServiceSettings.For(_database, _vhost);
        settings["Admin:ApiKey"] = "";
        await using var app = new ServiceApp<Campaigns.Program>(settings);
        using var client = app.CreateClient();

        foreach (var key in new[] { null, "", TestServers.AdminApiKey })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/admin/error-queues");
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            }

            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Noop_IsMappedOnlyWithTheBenchmarkFlag()
    {
        await using (var production = new ServiceApp<Campaigns.Program>(ServiceSettings.For(_database, _vhost)))
        {
            using var admin = production.CreateAdminClient();
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/admin/noop", null)).StatusCode);
        }

        var settings = ServiceSettings.For(_database, _vhost);
        settings["Benchmark:Enabled"] = "true";
        await using var benchmark = new ServiceApp<Campaigns.Program>(settings);
        using var benchmarkAdmin = benchmark.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await benchmarkAdmin.PostAsync("/admin/noop", new StringContent("{}"))).StatusCode);
        using var anonymous = benchmark.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/admin/noop", null)).StatusCode);
    }
}

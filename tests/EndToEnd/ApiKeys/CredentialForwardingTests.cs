using System.Net;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>What a service behind the gateway receives of the client's credentials: nothing, or on its <c>/admin</c> the gateway's admin key.</summary>
public sealed class CredentialForwardingTests : IAsyncLifetime
{
    private readonly RecordingBackend _backend = new();
    private TestGateway _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await TestGateway.StartAsync("forwarding", new Dictionary<string, string?> { ["Services:Measurement"] = _backend.Url });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _backend.Dispose();
    }

    [Fact]
    public async Task TheClientsKeyAndSignInCookie_NeverReachAService_OtherCookiesDo()
    {
        var key = await _gateway.CreateKeyAsync("client", [Scopes.Marketer]);
        using var client = _gateway.CreateClient(key: key);
        var request = new HttpRequestMessage(HttpMethod.Get, "/measurement/v1/campaigns/x/results");
        request.Headers.Add("Cookie", $"theme=dark; {SignInCookie.Name}={key}; lang=en");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var (path, headers) = Assert.Single(_backend.Requests);
        Assert.Equal("/v1/campaigns/x/results", path);
        Assert.Null(headers["Authorization"]);
        Assert.Equal("theme=dark; lang=en", headers["Cookie"]);
        Assert.DoesNotContain(headers.AllKeys, h => headers[h]!.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServicesAdminPath_IsForwardedWithTheGatewaysAdminKey_InPlaceOfTheClients()
    {
        var key = await _gateway.CreateKeyAsync("operator", [Scopes.Admin]);
        using var client = _gateway.CreateClient(key: key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/measurement/admin/clock")).StatusCode);

        var (path, headers) = Assert.Single(_backend.Requests);
        Assert.Equal("/admin/clock", path);
        Assert.Equal("Bearer " + TestServers.AdminApiKey, headers["Authorization"]);
    }
}

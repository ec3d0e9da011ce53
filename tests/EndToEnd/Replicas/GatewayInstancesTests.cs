using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using EndToEnd.ApiKeys;

namespace EndToEnd.Replicas;

/// <summary>
/// A service configured with several instances (<c>Services:Measurement</c> = two addresses separated by a comma): the
/// gateway balances over them, and one that refuses connections costs no request, whatever its method.
/// </summary>
public sealed class GatewayInstancesTests : IAsyncLifetime
{
    private readonly RecordingBackend _first = new();
    private readonly RecordingBackend _second = new();
    private readonly string _dead = $"http://127.0.0.1:{UnusedPort()}";
    private TestGateway _balanced = null!;
    private TestGateway _deadFirst = null!;

    public async Task InitializeAsync()
    {
        _balanced = await TestGateway.StartAsync("instances", new Dictionary<string, string?> { ["Services:Measurement"] = $"{_first.Url},{_second.Url}" });
        _deadFirst = await TestGateway.StartAsync("instances_dead", new Dictionary<string, string?> { ["Services:Measurement"] = $"{_dead}, {_second.Url}" });
    }

    public async Task DisposeAsync()
    {
        await _balanced.DisposeAsync();
        await _deadFirst.DisposeAsync();
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task Requests_AreSpreadOverEveryInstance()
    {
        using var client = _balanced.CreateClient();
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/measurement/v1/results?i={i}")).StatusCode);
        }

        Assert.Contains(_first.Requests, r => r.Path == "/v1/results");
        Assert.Contains(_second.Requests, r => r.Path == "/v1/results");
    }

    [Fact]
    public async Task MovingASimulatedClock_ReachesEveryInstance_WithTheGatewaysAdminKey()
    {
        using var admin = _balanced.CreateClient(key: TestGateway.AdminKey);

        var moved = await admin.PostAsJsonAsync("/measurement/admin/clock", new { advanceTo = "2026-03-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.All(new[] { _first, _second }, backend =>
        {
            var (_, headers) = Assert.Single(backend.Requests, r => r.Path == "/admin/clock");
            Assert.Equal("Bearer " + TestGateway.AdminKey, headers["Authorization"]);
        });
    }

    [Fact]
    public async Task AnInstanceThatRefusesConnections_CostsNoRequest_GetOrPost()
    {
        using var client = _deadFirst.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/measurement/v1/results?get={i}")).StatusCode);
            using var body = new StringContent($"{{\"i\":{i}}}", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/measurement/v1/things?post={i}", body)).StatusCode);
        }

        Assert.Equal(20, _second.Requests.Count(r => r.Path == "/v1/results"));
        Assert.Equal(20, _second.Requests.Count(r => r.Path == "/v1/things"));
    }

    [Fact]
    public async Task WhenTheAvailableInstanceFails_OneHeldForDeadIsTried_ItMayBeBack()
    {
        // The first instance refuses a request (the gateway holds it for dead for a while), then comes back on its
        // address; the second one dies. The next request is answered by the first, not a 502.
        var port = UnusedPort();
        var second = new RecordingBackend();
        await using var gateway = await TestGateway.StartAsync("instances_back", new Dictionary<string, string?> { ["Services:Measurement"] = $"http://127.0.0.1:{port},{second.Url}" });
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/measurement/v1/results?first")).StatusCode);
        Assert.Contains(second.Requests, r => r.Path == "/v1/results");

        using var back = new HttpListener();
        back.Prefixes.Add($"http://127.0.0.1:{port}/");
        back.Start();
        var paths = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var answering = AnswerAsync(back, paths);
        second.Dispose();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/measurement/v1/results?again")).StatusCode);
        Assert.Contains("/v1/results", paths);
        back.Stop();
        await answering;
    }

    // Answers 200 to everything (the gateway's health probes included) until stopped, keeping each path.
    private static async Task AnswerAsync(HttpListener listener, System.Collections.Concurrent.ConcurrentQueue<string> paths)
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            paths.Enqueue(context.Request.Url!.AbsolutePath);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.Testing;

namespace EndToEnd.ThroughGateway;

/// <summary>A request through the gateway is one trace: the gateway's span, its call to the service and the service's span; its id comes back as <c>X-Request-Id</c>.</summary>
public sealed class GatewayTracingTests(AllServices all) : IClassFixture<AllServices>, IDisposable
{
    private readonly ConcurrentBag<Activity> _activities = [];
    private readonly ActivityListener _listener = Listen();

    [Fact]
    public async Task RequestThroughTheGateway_ContinuesTheCallersTrace_IntoTheService()
    {
        ActivitySource.AddActivityListener(_listener);
        _listener.ActivityStopped = _activities.Add;
        var traceId = ActivityTraceId.CreateRandom();
        using var client = UntracedClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ingestion/v1/customers/{Guid.NewGuid()}");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(traceId.ToHexString(), Assert.Single(response.Headers.GetValues("X-Request-Id")));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(traceId.ToHexString(), problem.GetProperty("traceId").GetString()!.Split('-')[1]);

        // The service's server span (its own path, prefix removed) is a child of the gateway's outgoing call.
        var serviceSpan = await Eventually.ValueAsync(() => Task.FromResult(_activities.FirstOrDefault(a =>
            a.TraceId == traceId && a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string ?? "").StartsWith("/v1/customers/", StringComparison.Ordinal))),
            "the service's span in the caller's trace");
        var forward = Assert.Single(_activities, a => a.SpanId == serviceSpan!.ParentSpanId);
        Assert.Equal(ActivityKind.Client, forward.Kind);
        var chain = new List<Activity>();
        for (var span = forward; span is not null; span = _activities.FirstOrDefault(a => a.SpanId == span.ParentSpanId))
        {
            chain.Add(span);
        }

        // Above the call: YARP's "proxy.forwarder" and the gateway's own request span ("GET /ingestion/{**rest}"), same trace.
        Assert.Contains(chain, a => a.DisplayName == "proxy.forwarder");
        Assert.Contains(chain, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("/ingestion/", StringComparison.Ordinal));
        Assert.All(chain, a => Assert.Equal(traceId, a.TraceId));
    }

    [Theory]
    [InlineData("order-42.a:b_c", true)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    public async Task CallersRequestId_IsKeptWhenWellFormed_OtherwiseTheTraceIdIsUsed(string given, bool kept)
    {
        using var client = UntracedClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        if (given.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Request-Id", given);
        }

        using var response = await client.SendAsync(request);
        var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        if (kept)
        {
            Assert.Equal(given, id);
        }
        else
        {
            Assert.Matches("^[0-9a-f]{32}$", id);
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// A client of the gateway (with the fixture's key) that sends the trace headers it is given and none of its own:
    /// the services run in this process, so the listener would otherwise give the test's own call a span and a new trace.
    /// </summary>
    private HttpClient UntracedClient()
    {
        using var template = all.CreateClient();
        var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = template.BaseAddress, Timeout = template.Timeout };
        client.DefaultRequestHeaders.Authorization = template.DefaultRequestHeaders.Authorization;
        return client;
    }

    private static ActivityListener Listen() => new()
    {
        ShouldListenTo = _ => true,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };
}

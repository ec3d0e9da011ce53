using System.Net.Http.Headers;
using Gateway.Features.Access;
using Microsoft.Net.Http.Headers;
using Platform.ServiceDefaults.Admin;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Features.Proxy;

public static class GatewayExtensions
{
    /// <summary>The services behind the gateway, their path prefix and default address (overridden by <c>Services__Name</c>).</summary>
    public static readonly IReadOnlyList<(string Name, string DefaultAddress)> Services =
    [
        ("Ingestion", "http://127.0.0.1:8081"),
        ("Segmentation", "http://127.0.0.1:8082"),
        ("Campaigns", "http://127.0.0.1:8083"),
        ("Measurement", "http://127.0.0.1:8084"),
    ];

    /// <summary>
    /// Body limit of every route but imports: the largest a service accepts (Ingestion's batch endpoints, 32 MiB);
    /// a service's own lower limit (e.g. 1 MiB for one customer) still applies and its 413 reaches the client.
    /// </summary>
    public const long MaxRequestBodyBytes = 32L * 1024 * 1024;

    /// <summary>Bodies larger than this are forwarded with <c>Expect: 100-continue</c> (see <see cref="AddGateway"/>).</summary>
    public const long ExpectContinueAboveBytes = 64 * 1024;

    /// <summary>The upload route that is streamed without a gateway body limit (Ingestion's <c>Imports__MaxFileBytes</c> applies).</summary>
    public const string ImportsPath = "/ingestion/v1/imports";

    /// <summary>How often each instance of a service with several is asked <c>/health/ready</c>.</summary>
    public static readonly TimeSpan HealthProbeInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Routes <c>/{service}/{**rest}</c> to that service with the prefix removed, e.g. <c>/ingestion/v1/customers</c>
    /// to Ingestion's <c>/v1/customers</c>. Addresses come from configuration <c>Services:Ingestion</c> etc.: one address,
    /// or several instances' separated by commas (<see cref="ServiceAddresses"/>), which the proxy balances; see
    /// <see cref="HealthChecks"/> for how a dead instance is left out.
    /// Request bodies are limited to <see cref="MaxRequestBodyBytes"/>, except <c>POST /ingestion/v1/imports</c>: files
    /// are streamed through with no limit of the gateway's own, so Ingestion's limit is the only one (a second, smaller
    /// limit here refused 35 MB files that Ingestion accepts). A body over <see cref="ExpectContinueAboveBytes"/> (or of
    /// unknown length) is forwarded with <c>Expect: 100-continue</c>: a service that refuses it before reading it (413
    /// for its size, 400 for a bad query) answers before the body is sent, and that answer reaches the client; without
    /// it the service closes the connection mid-upload and the client gets YARP's 502 instead.
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (name, defaultAddress) in Services)
        {
            var prefix = "/" + name.ToLowerInvariant();
            var addresses = ServiceAddresses.Of(builder.Configuration, name, defaultAddress);
            routes.Add(new RouteConfig
            {
                RouteId = name,
                ClusterId = name,
                Match = new RouteMatch { Path = prefix + "/{**rest}" },
                MaxRequestBodySize = MaxRequestBodyBytes,
            }.WithPrefix(prefix));
            if (name == "Ingestion")
            {
                routes.Add(new RouteConfig
                {
                    RouteId = "IngestionImports",
                    ClusterId = name,
                    Order = -1, // before the catch-all route of the service
                    Match = new RouteMatch { Path = ImportsPath, Methods = ["POST"] },
                    MaxRequestBodySize = -1, // no limit here; the upload is streamed, never buffered (YARP's activity timeout resets on every read)
                }.WithPrefix(prefix));
            }

            clusters.Add(new ClusterConfig
            {
                ClusterId = name,
                Destinations = addresses.Select((a, i) => (Name: ServiceAddresses.DestinationName(i), Address: a))
                    .ToDictionary(d => d.Name, d => new DestinationConfig { Address = d.Address }, StringComparer.Ordinal),
                HealthCheck = addresses.Count > 1 ? HealthChecks : null,
            });
        }

        builder.Services.AddTransient<HealthyInstanceHandler>();
        builder.Services.AddHttpClient(EveryInstanceClock.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        var adminKey = builder.Configuration[AdminApiKey.ConfigurationKey];
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters).AddTransforms(context => context.AddRequestTransform(transform =>
        {
            if (transform.HttpContext.Request.ContentLength is null or > ExpectContinueAboveBytes && transform.ProxyRequest.Content is not null)
            {
                transform.ProxyRequest.Headers.ExpectContinue = true;
            }

            ReplaceCredentials(transform.HttpContext.Request.Path.Value, transform.ProxyRequest.Headers, adminKey);
            return ValueTask.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Health of the instances of a service that has several: each is asked <c>/health/ready</c> every
    /// <see cref="HealthProbeInterval"/> and left out after two failures in a row (back after the first success); one
    /// that refuses a connection or fails a forwarded request is left out at once (<see cref="AnotherInstance"/>, and
    /// YARP's transport failure rate). When none is healthy, all are tried (a wrong verdict never shuts the service).
    /// </summary>
    public static readonly HealthCheckConfig HealthChecks = new()
    {
        Active = new ActiveHealthCheckConfig
        {
            Enabled = true,
            Interval = HealthProbeInterval,
            Timeout = TimeSpan.FromSeconds(2),
            Policy = "ConsecutiveFailures",
            Path = "/health/ready",
        },
        Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = "TransportFailureRate", ReactivationPeriod = AnotherInstance.DeadFor },
        AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
    };

    /// <summary>
    /// The proxy's pipeline: a simulated clock is moved on every instance (<see cref="EveryInstanceClock"/>); a request
    /// that did not reach the chosen instance goes to another (<see cref="AnotherInstance"/>); then YARP's own steps
    /// (session affinity, load balancing, passive health).
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(EveryInstanceClock.SendAsync);
            proxy.Use(AnotherInstance.RetryAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }

    /// <summary>
    /// The default address of service <paramref name="name"/>: the first of configuration <c>Services:{name}</c>, else
    /// <paramref name="defaultAddress"/>. The gateway's own calls go there (through <see cref="HealthyInstanceHandler"/>,
    /// which picks another instance while that one is down).
    /// </summary>
    public static string AddressOf(IConfiguration configuration, string name, string defaultAddress) =>
        ServiceAddresses.Of(configuration, name, defaultAddress)[0];

    /// <summary>
    /// The client's key never reaches a service: its <c>Authorization</c> header and the sign-in cookie are removed. A
    /// service's operator endpoint (<c>/{service}/admin/**</c>, which the key check let through for a key with scope admin
    /// only) gets the gateway's configured admin key instead, which the services check (<c>Admin:ApiKey</c>).
    /// </summary>
    private static void ReplaceCredentials(string? path, HttpRequestHeaders headers, string? adminKey)
    {
        headers.Remove(HeaderNames.Authorization);
        if (adminKey is { Length: > 0 } && AccessRules.IsServiceAdminPath(path))
        {
            headers.TryAddWithoutValidation(HeaderNames.Authorization, "Bearer " + adminKey);
        }

        if (headers.TryGetValues(HeaderNames.Cookie, out var cookies))
        {
            var kept = cookies
                .SelectMany(c => c.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Where(c => !c.StartsWith(SignInCookie.Name + "=", StringComparison.Ordinal))
                .ToList();
            headers.Remove(HeaderNames.Cookie);
            if (kept.Count > 0)
            {
                headers.TryAddWithoutValidation(HeaderNames.Cookie, string.Join("; ", kept));
            }
        }
    }

    /// <summary>
    /// Removes the service's prefix from the forwarded path and sends it as <c>X-Forwarded-Prefix</c> instead: services
    /// build paging "next" links from their own path; YARP's default would send the (empty) PathBase and remove this
    /// header, so that part is turned off.
    /// </summary>
    private static RouteConfig WithPrefix(this RouteConfig route, string prefix) =>
        route.WithTransformPathRemovePrefix(prefix)
            .WithTransformXForwarded(xPrefix: ForwardedTransformActions.Off)
            .WithTransformRequestHeader("X-Forwarded-Prefix", prefix, append: false);
}

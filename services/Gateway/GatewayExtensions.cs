using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Gateway;

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

    /// <summary>The upload route that is streamed without a gateway body limit (Ingestion's <c>Imports__MaxFileBytes</c> applies).</summary>
    public const string ImportsPath = "/ingestion/v1/imports";

    /// <summary>
    /// Routes <c>/{service}/{**rest}</c> to that service with the prefix removed, e.g. <c>/ingestion/v1/customers</c>
    /// to Ingestion's <c>/v1/customers</c>. Addresses come from configuration <c>Services:Ingestion</c> etc.
    /// Request bodies keep Kestrel's default limit (30,000,000 bytes, the same as the services' own), except
    /// <c>POST /ingestion/v1/imports</c>: files are streamed through with no limit of the gateway's own, so Ingestion's
    /// limit is the only one (a second, smaller limit here refused 35 MB files that Ingestion accepts).
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (name, defaultAddress) in Services)
        {
            var prefix = "/" + name.ToLowerInvariant();
            var address = builder.Configuration[$"Services:{name}"] is { Length: > 0 } configured ? configured : defaultAddress;
            routes.Add(new RouteConfig
            {
                RouteId = name,
                ClusterId = name,
                Match = new RouteMatch { Path = prefix + "/{**rest}" },
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
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["primary"] = new() { Address = address } },
            });
        }

        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
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

    /// <summary>
    /// Operator endpoints of the services (<c>/{service}/admin/**</c>, e.g. error-queue replay) are not for marketers
    /// or partner systems: the gateway answers 404 for them. Operators reach a service on its own address.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseBlockedPaths(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length >= 2 && string.Equals(segments[1], "admin", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next();
        });
        return proxy;
    }
}

using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Features.Proxy;

/// <summary>
/// For the gateway's own calls to the services (marketer endpoints, the merged API document), which are addressed to a
/// service's default address: sends each request to an instance the proxy currently deems available (its health
/// checks), so these calls keep working while the default instance is down. Requests to any other address, and to a
/// service with a single instance, pass unchanged.
/// </summary>
public sealed class HealthyInstanceHandler(IProxyStateLookup proxy) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is { IsAbsoluteUri: true } uri && InstanceFor(uri) is { } instance)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = instance.Scheme, Host = instance.Host, Port = instance.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }

    private Uri? InstanceFor(Uri uri)
    {
        foreach (var cluster in proxy.GetClusters())
        {
            if (cluster.Destinations.Count < 2 || !cluster.Destinations.Values.Any(d => SameOrigin(d, uri)))
            {
                continue;
            }

            var available = cluster.DestinationsState.AvailableDestinations;
            if (available.Any(d => SameOrigin(d, uri)) || available.Count == 0)
            {
                return null; // the addressed instance is fine (or none is: let the call fail as it would)
            }

            return new Uri(available[Random.Shared.Next(available.Count)].Model.Config.Address);
        }

        return null;
    }

    private static bool SameOrigin(DestinationState destination, Uri uri) =>
        Uri.TryCreate(destination.Model.Config.Address, UriKind.Absolute, out var address)
        && Uri.Compare(address, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}

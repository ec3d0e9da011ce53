using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Features.Proxy;

/// <summary>
/// A step of the proxy pipeline (before load balancing) for services with several instances: a request that did not
/// reach the chosen instance is sent to another one instead of answering 502. That is safe when the connection was
/// refused (nothing was sent: a stopped or killed instance, any method), and for GET, HEAD and OPTIONS when the instance
/// failed before its answer began (a crash mid-request: nothing it does for a read matters). The instance is taken out
/// of the balancing at once (passive health, <see cref="DeadFor"/>), until the active health check or that period
/// brings it back. When every available instance failed, the others are tried too. A POST that reached an instance
/// that then died gets the 502 (it may have been done).
/// </summary>
public static class AnotherInstance
{
    /// <summary>How long an instance that refused a connection is left out before it is tried again.</summary>
    public static readonly TimeSpan DeadFor = TimeSpan.FromSeconds(10);

    /// <summary>The middleware; put it first in <c>MapReverseProxy</c>'s pipeline.</summary>
    public static async Task RetryAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var tried = new HashSet<DestinationState>();
        while (true)
        {
            await next();
            if (context.Features.Get<IForwarderErrorFeature>() is not { } failure
                || context.Response.HasStarted
                || proxy.ProxiedDestination is not { } failed
                || !Retriable(context.Request.Method, failure))
            {
                return;
            }

            tried.Add(failed);
            var cluster = context.GetRouteModel().Cluster;
            if (cluster is not null)
            {
                context.RequestServices.GetRequiredService<IDestinationHealthUpdater>().SetPassive(cluster, failed, DestinationHealth.Unhealthy, DeadFor);
            }

            // The available ones first; else any other, also one the health checks still hold for dead (it may be back:
            // a restarted instance stays out for up to DeadFor, and its twin may be the one that just failed).
            var others = candidates.Where(d => !tried.Contains(d)).ToList();
            if (others.Count == 0)
            {
                others = proxy.AllDestinations.Where(d => !tried.Contains(d)).ToList();
            }

            if (others.Count == 0)
            {
                return; // every instance failed: the 502 stands
            }

            // Start over as if the request had just arrived, with the instances not tried yet.
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            proxy.AvailableDestinations = others;
            proxy.ProxiedDestination = null;
        }
    }

    private static bool Retriable(string method, IForwarderErrorFeature failure)
    {
        if (failure.Error is not (ForwarderError.Request or ForwarderError.RequestTimedOut))
        {
            return false;
        }

        return Refused(failure.Exception) || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
    }

    private static bool Refused(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}

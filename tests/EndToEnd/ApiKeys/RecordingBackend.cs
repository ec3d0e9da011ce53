using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;

namespace EndToEnd.ApiKeys;

/// <summary>A stand-in for a service behind the gateway: answers 200 to anything and records each request's path and headers.</summary>
public sealed class RecordingBackend : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <summary>Starts listening on a free loopback port.</summary>
    public RecordingBackend()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The base address to configure as the service's.</summary>
    public string Url { get; }

    /// <summary>The requests received: path and headers.</summary>
    public ConcurrentQueue<(string Path, NameValueCollection Headers)> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        _ = _loop;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests.Enqueue((context.Request.Url!.AbsolutePath, new NameValueCollection(context.Request.Headers)));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}

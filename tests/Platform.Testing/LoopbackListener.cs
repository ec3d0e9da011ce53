using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// An HTTP listener on 127.0.0.1 (a free port) that hands each request to <c>handle</c>, one at a time, until disposed:
/// the stand-in for a channel's webhook or a service behind the gateway.
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    /// <summary>Starts listening under <paramref name="path"/> (e.g. <c>/hook/</c>; it ends with a slash).</summary>
    public LoopbackListener(string path, Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        Url = BaseUrl + path;
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary><c>http://127.0.0.1:port</c>, without a slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The base address and the path listened under.</summary>
    public string Url { get; }

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

            await _handle(context);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

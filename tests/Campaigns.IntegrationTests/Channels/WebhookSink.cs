using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Campaigns.IntegrationTests.Channels;

/// <summary>A local webhook receiver on 127.0.0.1: records every post (headers and raw body) and answers 500 while <see cref="Failing"/> says so.</summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookSink()
    {
        Url = $"http://127.0.0.1:{FreePort()}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>Decides per post (by its number from 1) whether to fail it.</summary>
    public Func<int, bool> Failing { get; set; } = _ => false;

    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

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

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var number = Posts.Count + 1;
            var fail = Failing(number);
            Posts.Enqueue(new ReceivedPost(number, context.Request.Headers["X-Platform-Timestamp"], context.Request.Headers["X-Platform-Signature"], body, fail));
            context.Response.StatusCode = fail ? 500 : 204;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

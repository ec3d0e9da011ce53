using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A local webhook receiver on 127.0.0.1 (a free port): records every post (headers and raw body) and answers 500 while
/// <see cref="Failing"/> says so. An <c>onPost</c> callback sees each post as it arrives; with <c>keepPosts</c>
/// false nothing is kept (a benchmark receiving hundreds of megabytes).
/// </summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly bool _keepPosts;
    private readonly Action<ReceivedPost>? _onPost;
    private readonly Task _loop;
    private int _received;

    /// <summary>Starts listening.</summary>
    public WebhookSink(bool keepPosts = true, Action<ReceivedPost>? onPost = null)
    {
        _keepPosts = keepPosts;
        _onPost = onPost;
        Url = $"http://127.0.0.1:{FreePort()}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The URL to configure as the webhook.</summary>
    public string Url { get; }

    /// <summary>Decides per post (by its number from 1) whether to fail it.</summary>
    public Func<int, bool> Failing { get; set; } = _ => false;

    /// <summary>The posts received, in order (empty when they are not kept).</summary>
    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

    /// <summary>Number of posts received.</summary>
    public int Received => Volatile.Read(ref _received);

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
            var number = Interlocked.Increment(ref _received);
            var fail = Failing(number);
            var post = new ReceivedPost(number, context.Request.Headers["X-Platform-Timestamp"], context.Request.Headers["X-Platform-Signature"], body, fail);
            _onPost?.Invoke(post);
            if (_keepPosts)
            {
                Posts.Enqueue(post);
            }

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

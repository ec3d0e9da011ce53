using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A local webhook receiver on 127.0.0.1 (a free port): records every post (headers and raw body) and answers 500 while
/// <see cref="Failing"/> says so. An <c>onPost</c> callback sees each post as it arrives; with <c>keepPosts</c>
/// false nothing is kept (a benchmark receiving hundreds of megabytes).
/// </summary>
public sealed class WebhookSink : IDisposable
{
    private readonly LoopbackListener _listener;
    private readonly bool _keepPosts;
    private readonly Action<ReceivedPost>? _onPost;
    private int _received;

    /// <summary>Starts listening.</summary>
    public WebhookSink(bool keepPosts = true, Action<ReceivedPost>? onPost = null)
    {
        _keepPosts = keepPosts;
        _onPost = onPost;
        _listener = new LoopbackListener("/hook/", HandleAsync);
    }

    /// <summary>The URL to configure as the webhook.</summary>
    public string Url => _listener.Url;

    /// <summary>Decides per post (by its number from 1) whether to fail it.</summary>
    public Func<int, bool> Failing { get; set; } = _ => false;

    /// <summary>The posts received, in order (empty when they are not kept).</summary>
    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

    /// <summary>Number of posts received.</summary>
    public int Received => Volatile.Read(ref _received);

    public void Dispose() => _listener.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
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

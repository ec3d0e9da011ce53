using System.Collections.Concurrent;
using System.Collections.Specialized;
using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>A stand-in for a service behind the gateway: answers 200 to anything and records each request's path and headers.</summary>
public sealed class RecordingBackend : IDisposable
{
    private readonly LoopbackListener _listener;

    /// <summary>Starts listening on a free loopback port.</summary>
    public RecordingBackend() => _listener = new LoopbackListener("/", context =>
    {
        Requests.Enqueue((context.Request.Url!.AbsolutePath, new NameValueCollection(context.Request.Headers)));
        context.Response.StatusCode = 200;
        context.Response.Close();
        return Task.CompletedTask;
    });

    /// <summary>The base address to configure as the service's.</summary>
    public string Url => _listener.BaseUrl;

    /// <summary>The requests received: path and headers.</summary>
    public ConcurrentQueue<(string Path, NameValueCollection Headers)> Requests { get; } = new();

    public void Dispose() => _listener.Dispose();
}

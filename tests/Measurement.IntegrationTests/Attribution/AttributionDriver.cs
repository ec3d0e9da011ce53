using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>
/// Publishes events to Measurement one at a time and waits until each delivery was consumed (a consume observer counts
/// deliveries per message id), so a test decides the order facts arrive in, and a duplicate's delivery is seen handled.
/// </summary>
internal sealed class AttributionDriver : IConsumeObserver, IDisposable
{
    private readonly ConcurrentDictionary<Guid, int> _consumed = new();
    private readonly ConnectHandle _handle;
    private readonly IBus _bus;

    public AttributionDriver(MeasurementTestHost host)
    {
        _bus = host.Host.App.Services.GetRequiredService<IBus>();
        _handle = _bus.ConnectConsumeObserver(this);
    }

    /// <summary>Publishes <paramref name="message"/> (under <paramref name="messageId"/> if given: a redelivery) and waits until it was consumed.</summary>
    public async Task SendAsync<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        var before = _consumed.GetValueOrDefault(id);
        await _bus.Publish((object)message, ctx => ctx.MessageId = id); // by its runtime type, as a list of mixed events holds them
        await Eventually.TrueAsync(() => Task.FromResult(_consumed.GetValueOrDefault(id) > before), $"{message.GetType().Name} {id} consumed");
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public void Dispose() => _handle.Disconnect();
}

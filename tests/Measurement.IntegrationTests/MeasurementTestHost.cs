using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;

namespace Measurement.IntegrationTests;

/// <summary>
/// Measurement on a database and vhost of its own, started with its bus ready; the other services' events are published
/// from the test, as those services would publish them.
/// </summary>
public sealed class MeasurementTestHost : IAsyncDisposable
{
    private MeasurementTestHost(ServiceTestHost<Program> host) => Host = host;

    public ServiceTestHost<Program> Host { get; }

    public HttpClient Client => Host.Client;

    /// <summary>Starts Measurement and waits until every receive endpoint is bound.</summary>
    public static async Task<MeasurementTestHost> StartAsync(
        string purpose, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        var host = new MeasurementTestHost(await ServiceTestHost<Program>.StartAsync(purpose,
            new ServiceTestHostOptions { Settings = settings, Clock = clock, OnLoopback = false, Services = services }));
        await host.Host.WaitBusReadyAsync();
        return host;
    }

    /// <summary>Publishes an event on Measurement's vhost, as its producer would.</summary>
    public async Task PublishAsync<T>(T message) where T : class
    {
        var bus = Host.App.Services.GetRequiredService<IBus>();
        await bus.Publish(message);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class ErrorQueueTests : IAsyncLifetime
{
    private const string Endpoint = "datatests-effect-requested";
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;
    private MessagingHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(ErrorQueueTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(ErrorQueueTests));
        _host = await MessagingHost.StartAsync(_database, _vhost);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task FailingMessage_IsParkedAfterBoundedRetries_ThenReplayedAfterTheFix_WithOneEffect()
    {
        var errors = _host.Services.GetRequiredService<ErrorQueues>();
        var bus = _host.Services.GetRequiredService<IBus>();
        await bus.Publish(new EffectRequested { Name = "poison-1" });

        await Eventually.TrueAsync(async () => (await errors.ListAsync(default)).Single(q => q.Endpoint == Endpoint).Messages == 1, "the message parked in the error queue", TimeSpan.FromSeconds(60));
        var parked = Assert.Single(await errors.PeekAsync(Endpoint, 10, default));
        Assert.Equal("System.InvalidOperationException", parked.ExceptionType);
        Assert.Contains("poison-1", parked.Error, StringComparison.Ordinal);
        // Peeking leaves it there: the broker requeues it as the peek's channel closes, a moment after the call returns
        // (a listing at once counted 0 in a loaded CI run).
        await Eventually.TrueAsync(async () => (await errors.ListAsync(default)).Single(q => q.Endpoint == Endpoint).Messages == 1, "the peeked message back in its queue");
        Assert.Equal(0L, await _host.QueryScalarAsync<long>("SELECT count(*) FROM effects WHERE name = 'poison-1'"));

        _host.Services.GetRequiredService<PoisonSwitch>().Fixed = true;
        Assert.Equal(1, await errors.ReplayAsync(Endpoint, 100, default));

        await Eventually.TrueAsync(async () => await _host.QueryScalarAsync<long>("SELECT coalesce(sum(count), 0) FROM effects WHERE name = 'poison-1'") == 1, "the replayed message's effect");
        Assert.Equal(0u, (await errors.ListAsync(default)).Single(q => q.Endpoint == Endpoint).Messages);
    }

    [Fact]
    public async Task UnknownEndpoint_IsRefused()
    {
        var errors = _host.Services.GetRequiredService<ErrorQueues>();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => errors.ReplayAsync("someone-elses-queue", 1, default));
    }
}

using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// A message the broker gives up on (over the quorum queue's delivery limit) is dead-lettered into the endpoint's
/// <c>_error</c> queue, not dropped.
/// </summary>
public sealed class DeliveryLimitTests : IAsyncLifetime
{
    private const string Endpoint = "datatests-effect-requested";
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(DeliveryLimitTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(DeliveryLimitTests));
        await _vhost.SetDeliveryLimitAsync(2);
    }

    public async Task DisposeAsync()
    {
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task MessageReturnedMoreOftenThanTheDeliveryLimit_EndsInTheErrorQueue()
    {
        // The service declares its queue (dead-lettering into <queue>_error) and the error queue, then stops, so that
        // only this test takes deliveries: each one is returned unacknowledged, as by a consumer whose process dies.
        await using (var host = await MessagingHost.StartAsync(_database, _vhost))
        {
            await host.StopAsync();
        }

        Assert.True(await _vhost.QueueExistsAsync(Endpoint + ErrorDeadLetter.ErrorSuffix), "the error queue exists before any fault");
        await _vhost.PublishToQueueAsync(Endpoint, """{"name":"returned-every-time"}""");

        await Eventually.TrueAsync(async () =>
        {
            await _vhost.PeekAsync(Endpoint, 1); // delivered and returned (requeued): one more delivery counted
            return await _vhost.MessagesReadyAsync(Endpoint + ErrorDeadLetter.ErrorSuffix) == 1;
        }, "the message dead-lettered into the error queue");
        Assert.Equal(0, await _vhost.MessagesReadyAsync(Endpoint));
        Assert.Contains("returned-every-time", Assert.Single(await _vhost.PeekAsync(Endpoint + ErrorDeadLetter.ErrorSuffix, 10)), StringComparison.Ordinal);
    }
}

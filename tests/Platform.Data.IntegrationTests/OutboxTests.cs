using System.Diagnostics;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class OutboxTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(OutboxTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(OutboxTests));
    }

    public async Task DisposeAsync()
    {
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Commit_PublishesEachMessageWithItsOutboxIdAndTrace_AndMarksItSent()
    {
        await using var host = await MessagingHost.StartAsync(_database, _vhost);
        using var listener = ListenToAll();
        using var request = new Activity("test request").SetIdFormat(ActivityIdFormat.W3C).Start();

        var ids = await host.WriteAsync([new EffectRequested { Name = "a" }, new EffectRequested { Name = "b" }]);
        request.Stop();

        await Eventually.TrueAsync(() => Task.FromResult(host.Deliveries.Seen.Count >= 2), "both messages consumed");
        Assert.Equal(ids.Order(), host.Deliveries.Seen.Select(d => d.MessageId).Order());
        Assert.All(host.Deliveries.Seen, d => Assert.Equal(request.TraceId.ToString(), d.TraceId));
        await Eventually.TrueAsync(async () => await host.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0, "rows marked sent");
    }

    [Fact]
    public async Task Rollback_PublishesNothing()
    {
        await using var host = await MessagingHost.StartAsync(_database, _vhost);
        await host.WriteAsync([new EffectRequested { Name = "rolled-back" }], commit: false);
        var committed = await host.WriteAsync([new EffectRequested { Name = "committed" }]);

        await Eventually.TrueAsync(() => Task.FromResult(host.Deliveries.Seen.Any(d => d.MessageId == committed[0])), "the committed message");
        Assert.DoesNotContain(host.Deliveries.Seen, d => d.Name == "rolled-back");
        Assert.Equal(0, await host.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages m WHERE m.body->>'name' = 'rolled-back'"));
    }

    [Fact]
    public async Task BrokerDown_WritesSucceedAndWait_ThenAllAreDeliveredWhenBrokerIsBack()
    {
        await using var consumerHost = await MessagingHost.StartAsync(_database, _vhost);
        await using var proxy = TcpProxy.Start(TestServers.RabbitHost, TestServers.RabbitPort);
        await using var otherDb = await TestDatabase.CreateAsync("outbox_producer");
        await using var producer = await MessagingHost.StartAsync(otherDb, _vhost, rabbitPort: proxy.Port, withConsumer: false,
            settings: new Dictionary<string, string?> { ["Outbox:PublishTimeout"] = "00:00:03" }); // publishes into the cut broker fail sooner

        proxy.Cut();
        var ids = await producer.WriteAsync(Enumerable.Range(0, 50).Select(i => new EffectRequested { Name = $"outage-{i}" }).ToList());

        // While the broker is unreachable, nothing is lost: the rows wait in the outbox (checked once the relay has tried
        // them and failed, a positive marker rather than a fixed wait).
        await Eventually.TrueAsync(
            async () => await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE last_error IS NOT NULL") > 0,
            "the relay to have tried the rows and failed",
            TimeSpan.FromSeconds(60));
        Assert.Equal(50, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));

        proxy.Restore();
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => consumerHost.Deliveries.Seen.Any(d => d.MessageId == id))), "every message after the broker came back", TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(async () => await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0, "rows marked sent");
        Assert.Equal(50, await consumerHost.QueryScalarAsync<long>("SELECT count(*) FROM effects WHERE name LIKE 'outage-%' AND count = 1"));
    }

    [Fact]
    public async Task TwoRelayReplicas_PublishEveryMessage_AndEachHasOneEffect()
    {
        await using var consumerHost = await MessagingHost.StartAsync(_database, _vhost);
        await using var replicaDb = await TestDatabase.CreateAsync("outbox_replicas");
        await using var replicaA = await MessagingHost.StartAsync(replicaDb, _vhost, withConsumer: false);
        await using var replicaB = await MessagingHost.StartAsync(replicaDb, _vhost, withConsumer: false);

        var writes = Enumerable.Range(0, 10).Select(batch =>
            (batch % 2 == 0 ? replicaA : replicaB).WriteAsync(Enumerable.Range(0, 100).Select(i => new EffectRequested { Name = $"replica-{batch}-{i}" }).ToList()));
        var ids = (await Task.WhenAll(writes)).SelectMany(x => x).ToHashSet();

        await Eventually.TrueAsync(async () => await consumerHost.QueryScalarAsync<long>("SELECT count(*) FROM effects WHERE name LIKE 'replica-%'") == 1000, "1,000 effects", TimeSpan.FromSeconds(60));
        Assert.Equal(1000, await consumerHost.QueryScalarAsync<long>("SELECT sum(count) FROM effects WHERE name LIKE 'replica-%'"));
        Assert.Superset(ids, consumerHost.Deliveries.Seen.Select(d => d.MessageId).ToHashSet());
        Assert.Equal(0, await replicaA.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));
    }

    private static ActivityListener ListenToAll()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// The relay's attempt cap: a message the broker keeps refusing is parked after Outbox:MaxAttempts without holding
/// back the others, listed and replayed through /admin/outbox/parked; a broker outage counts no attempt, and a round
/// retrying rows that failed before stops at the first that fails again.
/// </summary>
public sealed class OutboxRetryTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> FastRetry = new(StringComparer.Ordinal)
    {
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:RetryBackoff"] = "00:00:00.200",
        ["Outbox:MaxRetryBackoff"] = "00:00:01",
        ["Outbox:PublishTimeout"] = "00:00:03",
        ["Outbox:BacklogInterval"] = "00:00:00.200",
    };

    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(OutboxRetryTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(OutboxRetryTests));
    }

    public async Task DisposeAsync()
    {
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task RefusedMessage_IsParkedAfterMaxAttempts_WithoutHoldingBackOthers_AndIsReplayedAfterTheFix()
    {
        await _vhost.DeclareExchangeAsync(RefusableMessage.Exchange, "direct"); // MassTransit's fanout declaration now fails
        await using var host = await MessagingHost.StartAsync(_database, _vhost, settings: FastRetry);
        using var meters = new OutboxMeters(host.Services);

        var refused = (await host.WriteAsync([new RefusableMessage { Name = "refused" }]))[0];
        var others = await host.WriteAsync(Enumerable.Range(0, 20).Select(i => new EffectRequested { Name = $"after-refused-{i}" }).ToList());

        await Eventually.TrueAsync(() => Task.FromResult(others.All(id => host.Deliveries.Seen.Any(d => d.MessageId == id))), "the messages written after the refused one");
        await Eventually.TrueAsync(async () => await host.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE parked_at IS NOT NULL AND message_id = @refused", new { refused }) == 1,
            "the refused message parked");
        Assert.Equal(3, await host.QueryScalarAsync<int>("SELECT attempts FROM outbox_messages WHERE message_id = @refused", new { refused }));
        // The relay adds to the counter just after its commit, so the parked row can be seen a moment before the count.
        await Eventually.TrueAsync(() => Task.FromResult(meters.Parked >= 1), "platform.outbox.parked counted it");

        var parked = await host.Client.GetFromJsonAsync<JsonElement>("/admin/outbox/parked");
        var row = Assert.Single(parked.EnumerateArray());
        Assert.Equal(refused, row.GetProperty("messageId").GetGuid());
        Assert.Equal(3, row.GetProperty("attempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(row.GetProperty("lastError").GetString()));
        await Eventually.TrueAsync(() => Task.FromResult(meters.Gauge("platform.outbox.unsent") == 0), "the backlog gauge without the parked row");

        await _vhost.DeleteExchangeAsync(RefusableMessage.Exchange); // the fix
        var replay = await host.Client.PostAsync($"/admin/outbox/parked/replay?messageId={refused}", null);
        replay.EnsureSuccessStatusCode();
        Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());

        await Eventually.TrueAsync(async () => await host.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NOT NULL AND message_id = @refused", new { refused }) == 1,
            "the replayed message published");
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonElement>("/admin/outbox/parked")).EnumerateArray());
    }

    [Fact]
    public async Task RetriedRows_DuringAnOutage_TheRoundStopsAtTheFirstThatFailsAgain_AndAllArePublishedAfterwards()
    {
        await using var consumer = await MessagingHost.StartAsync(_database, _vhost);
        await using var proxy = TcpProxy.Start(TestServers.RabbitHost, TestServers.RabbitPort);
        await using var producerDb = await TestDatabase.CreateAsync("outbox_retry_round");
        await using var producer = await MessagingHost.StartAsync(producerDb, _vhost, rabbitPort: proxy.Port, withConsumer: false, settings: FastRetry);

        proxy.Cut();
        var ids = await producer.WriteAsync(Enumerable.Range(0, 5).Select(i => new EffectRequested { Name = $"retried-{i}" }).ToList());
        // As after a round in which they failed while other rows went through: one attempt counted, due again now. The
        // relay may have tried them in the meantime (an outage counts nothing), so the marker is written last.
        await producer.QueryScalarAsync<long>(
            "WITH seeded AS (UPDATE outbox_messages SET attempts = 1, next_attempt_at = now() - interval '1 second', last_error = 'seeded' RETURNING 1) SELECT count(*) FROM seeded");

        // A round records its outcomes when it ends, all in one transaction: the first row changed by a round shows what
        // that round tried.
        await Eventually.TrueAsync(async () => await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE last_error <> 'seeded'") > 0,
            "a round's failure recorded", TimeSpan.FromSeconds(60));
        Assert.Equal(1, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE last_error <> 'seeded'"));
        Assert.Equal(0, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NOT NULL OR parked_at IS NOT NULL"));

        proxy.Restore();
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => consumer.Deliveries.Seen.Any(d => d.MessageId == id))), "every message after the broker came back", TimeSpan.FromSeconds(90));
        Assert.Equal(0, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE parked_at IS NOT NULL"));
    }

    [Fact]
    public async Task BrokerOutage_CountsNoAttempt_ParksNothing_AndTheBacklogGaugesShowTheWaitingRows()
    {
        await using var consumer = await MessagingHost.StartAsync(_database, _vhost);
        await using var proxy = TcpProxy.Start(TestServers.RabbitHost, TestServers.RabbitPort);
        await using var producerDb = await TestDatabase.CreateAsync("outbox_retry_producer");
        var settings = new Dictionary<string, string?>(FastRetry, StringComparer.Ordinal) { ["Outbox:MaxAttempts"] = "1" };
        await using var producer = await MessagingHost.StartAsync(producerDb, _vhost, rabbitPort: proxy.Port, withConsumer: false, settings: settings);
        using var meters = new OutboxMeters(producer.Services);

        proxy.Cut();
        var ids = await producer.WriteAsync(Enumerable.Range(0, 5).Select(i => new EffectRequested { Name = $"outage-{i}" }).ToList());

        // The relay tried and failed (last_error recorded) more than once: with one allowed attempt, a counted one would park.
        await Eventually.TrueAsync(async () => await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE last_error IS NOT NULL") == 5,
            "the relay's failed attempts while the broker is cut", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => Task.FromResult(meters.Gauge("platform.outbox.unsent") == 5 && meters.Gauge("platform.outbox.oldest_unsent_age") > 0),
            "the backlog gauges");
        Assert.Equal(0, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE parked_at IS NOT NULL OR attempts > 0"));

        proxy.Restore();
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => consumer.Deliveries.Seen.Any(d => d.MessageId == id))), "every message after the broker came back", TimeSpan.FromSeconds(90));
        Assert.Equal(0, await producer.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE parked_at IS NOT NULL"));
        await Eventually.TrueAsync(() => Task.FromResult(meters.Gauge("platform.outbox.unsent") == 0), "the backlog gauge back to zero");
    }
}

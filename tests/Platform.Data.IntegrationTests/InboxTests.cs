using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class InboxTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;
    private MessagingHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(InboxTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(InboxTests));
        _host = await MessagingHost.StartAsync(_database, _vhost);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Consume_WhenSameMessageDeliveredTwice_HasOneEffect()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        var message = new EffectRequested { Name = "twice" };

        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(message, ctx => ctx.MessageId = messageId);

        await Eventually.TrueAsync(() => Task.FromResult(_host.Deliveries.Seen.Count(d => d.MessageId == messageId) == 2), "both deliveries to be consumed");
        Assert.Equal(1, await _host.QueryScalarAsync<int>("SELECT count FROM effects WHERE name = 'twice'"));
        Assert.Equal(1, await _host.QueryScalarAsync<int>("SELECT count(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId }));
    }

    [Fact]
    public async Task Consume_WhenMessagesDiffer_EachHasItsEffect()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        await bus.Publish(new EffectRequested { Name = "distinct" });
        await bus.Publish(new EffectRequested { Name = "distinct" });

        await Eventually.TrueAsync(async () => await _host.QueryScalarAsync<int>("SELECT coalesce(max(count), 0) FROM effects WHERE name = 'distinct'") == 2, "two effects");
    }
}

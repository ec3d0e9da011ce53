using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class BatchInboxTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(BatchInboxTests));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Database"] = _database.ConnectionString });
        builder.AddDatabase(typeof(BatchInboxTests).Assembly);
        // Batches of up to three, so the messages published together share one (a partial batch goes after 2 s).
        builder.Services.AddMassTransitTestHarness(bus => bus.AddConsumer<EffectBatchConsumer>(c =>
            c.Options<BatchOptions>(o => o.SetMessageLimit(3).SetTimeLimit(TimeSpan.FromSeconds(2)))));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        NpgsqlConnection.ClearAllPools();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ConsumeBatch_WhenMessagesRepeat_AppliesEachMessageOnce()
    {
        var bus = _host.Services.GetRequiredService<ITestHarness>().Bus;
        var (x, y, z) = (NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());

        // One batch: x twice (a redelivery landing in the same batch) and y.
        await PublishAsync(bus, x, "x");
        await PublishAsync(bus, x, "x");
        await PublishAsync(bus, y, "y");
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT count(*) FROM inbox_messages WHERE consumer = 'EffectBatchConsumer'") == 2, "the first batch's two ids to be recorded");
        Assert.Equal(1, await ScalarAsync("SELECT count FROM effects WHERE name = 'x'"));
        Assert.Equal(1, await ScalarAsync("SELECT count FROM effects WHERE name = 'y'"));

        // Another batch: x again (handled before) and z twice; z's effect is the marker that the batch committed.
        await PublishAsync(bus, x, "x");
        await PublishAsync(bus, z, "z");
        await PublishAsync(bus, z, "z");
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT coalesce(max(count), 0) FROM effects WHERE name = 'z'") == 1, "the second batch to commit");
        Assert.Equal(1, await ScalarAsync("SELECT count FROM effects WHERE name = 'x'"));
        Assert.Equal(1, await ScalarAsync("SELECT count FROM effects WHERE name = 'z'"));
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM inbox_messages WHERE consumer = 'EffectBatchConsumer'"));
    }

    [Fact]
    public async Task ConsumeBatch_WithAMessageAtFault_AppliesTheOthers_AndNotIt()
    {
        var bus = _host.Services.GetRequiredService<ITestHarness>().Bus;
        var (a, poison, b) = (NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());

        await PublishAsync(bus, a, "a");
        await PublishAsync(bus, poison, EffectBatchConsumer.Poison);
        await PublishAsync(bus, b, "b");
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT count(*) FROM effects WHERE name IN ('a', 'b') AND count = 1") == 2,
            "the healthy messages of the batch applied");
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM effects WHERE name = '{EffectBatchConsumer.Poison}'"));
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM inbox_messages WHERE message_id = '{poison}'"));

        // Replayed (as from the error queue, the batch's healthy messages with it): the healthy ones change nothing.
        await PublishAsync(bus, a, "a");
        await PublishAsync(bus, b, "b");
        var marker = NewId.NextGuid();
        await PublishAsync(bus, marker, "marker");
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT coalesce(max(count), 0) FROM effects WHERE name = 'marker'") == 1, "the replay's batch to commit");
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM effects WHERE name IN ('a', 'b') AND count = 1"));
    }

    private static Task PublishAsync(IBus bus, Guid messageId, string name) =>
        bus.Publish(new EffectRequested { Name = name }, ctx => ctx.MessageId = messageId);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

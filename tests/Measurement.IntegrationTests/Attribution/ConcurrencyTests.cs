using Platform.Contracts.Ingestion;
using Platform.Testing;
using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>Batches touching the same members, consumed at once by two replicas, lose no update of members or statistics.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private MeasurementTestHost _host = null!;

    public async Task InitializeAsync() => _host = await MeasurementTestHost.StartAsync("attribution-concurrency");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ConcurrentBatchesOnTwoReplicas_SameCustomers_EveryPurchaseCountedOnce()
    {
        var campaign = Guid.NewGuid();
        var customers = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToArray();
        using (var driver = new AttributionDriver(_host))
        {
            await driver.SendAsync(Campaign(campaign, "CONC-" + campaign.ToString("N")[..6]));
            await driver.SendAsync(Assigned(campaign, [.. customers.Select((c, i) => Member(c, i % 2 == 0 ? "control" : "mail", preRevenue: i))]));
        }

        await using var replica = await _host.Host.StartReplicaAsync();
        var random = new Random(42);
        var batches = Enumerable.Range(0, 24).Select(_ => new TransactionsRecorded
        {
            Transactions = [.. Enumerable.Range(0, 30).Select(_ => Purchase(customers[random.Next(customers.Length)], WaveStart.AddDays(random.Next(0, 29)), random.Next(1, 100)))],
        }).ToArray();
        await Task.WhenAll(batches.Select(b => _host.PublishAsync(b)));

        var expected = batches.Sum(b => b.Transactions.Sum(t => t.GrossAmount));
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE consumer = 'TransactionsRecordedConsumer'") == batches.Length,
            "every batch handled");
        Assert.Equal(720L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM purchases"));
        Assert.Equal(expected, await _host.Host.ScalarAsync<decimal>("SELECT sum(revenue) FROM members WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal(expected, await _host.Host.ScalarAsync<decimal>("SELECT sum(revenue_sum) FROM cell_stats WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal(expected, await _host.Host.ScalarAsync<decimal>("SELECT sum(revenue_sum) FROM global_control_stats"));
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }
}

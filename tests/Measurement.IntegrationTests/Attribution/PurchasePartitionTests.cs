using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Ingestion;
using Platform.Data.Partitions;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>
/// Purchases are partitioned by month (migration 0006): each lands in its month's partition (or the default one for
/// months without), is kept once whichever partition holds it, and is erased from every month.
/// </summary>
public sealed class PurchasePartitionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LastMonth = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, 15, 12, 0, 0, TimeSpan.Zero).AddMonths(-1);
    private static readonly DateTimeOffset LongAgo = new(1997, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private MeasurementTestHost _host = null!;

    public async Task InitializeAsync() => _host = await MeasurementTestHost.StartAsync("purchase-partitions");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Purchases_GoToTheirMonthsPartition_AreKeptOnceWhenRepublished_AndErasedFromEveryMonth()
    {
        using var driver = new AttributionDriver(_host);
        var customer = Guid.NewGuid();
        var purchases = TestEvents.Purchases(TestEvents.Purchase(customer, LastMonth, 10), TestEvents.Purchase(customer, LongAgo, 20));

        await driver.SendAsync(purchases);
        await driver.SendAsync(purchases); // the same transactions in another event: a republish after a lost confirm

        var stored = await _host.Host.QueryAsync<(string Partition, decimal Net)>(
            "SELECT tableoid::regclass::text, net_amount FROM purchases WHERE customer_id = @customer ORDER BY occurred_at", new { customer });
        Assert.Equal([("purchases_default", 20m), ($"purchases_{LastMonth:yyyy_MM}", 10m)], stored);

        await driver.SendAsync(new CustomerErased { CustomerId = customer, ErasedAt = DateTimeOffset.UtcNow });

        Assert.Equal(0L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM purchases WHERE customer_id = @customer", new { customer }));
    }

    [Fact]
    public async Task PartitionsJob_CreatesTheMonthsAhead_AndIsHarmlessTwice()
    {
        var job = ActivatorUtilities.CreateInstance<MonthlyPartitionsJob>(_host.Host.App.Services);
        var last = DateTimeOffset.UtcNow + MonthlyPartitions.Ahead;
        await _host.Host.ExecuteAsync($"DROP TABLE IF EXISTS purchases_{last:yyyy_MM}");

        await job.RunAsync(new EnsureMonthlyPartitions(), null!, CancellationToken.None);
        await job.RunAsync(new EnsureMonthlyPartitions(), null!, CancellationToken.None);

        Assert.Equal(1L, await _host.Host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'purchases'::regclass AND inhrelid = to_regclass(@name)", new { name = $"purchases_{last:yyyy_MM}" }));
    }
}

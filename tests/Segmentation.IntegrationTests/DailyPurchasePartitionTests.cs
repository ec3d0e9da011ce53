using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Ingestion;
using Platform.Testing;
using Segmentation.Features.Profiles;

namespace Segmentation.IntegrationTests;

/// <summary>The per-day purchase sums are partitioned by month (migration 0010); the sums are the same wherever a day is kept.</summary>
public sealed class DailyPurchasePartitionTests : IAsyncLifetime
{
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("daily-partitions");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TransactionsRecorded_KeepsEachDayInItsMonthsPartition_OrTheDefaultOne_AndAddsUpTheSame()
    {
        var customer = Guid.NewGuid();
        var lastMonth = DateTimeOffset.UtcNow.AddMonths(-1);
        var recent = new DateTimeOffset(lastMonth.Year, lastMonth.Month, 10, 12, 0, 0, TimeSpan.Zero);
        var ancient = new DateTimeOffset(1997, 3, 1, 12, 0, 0, TimeSpan.Zero);

        await _host.App.Services.GetRequiredService<IBus>().Publish(new TransactionsRecorded
        {
            Transactions = [Transaction(customer, recent, 10m), Transaction(customer, recent.AddHours(1), 5m), Transaction(customer, ancient, 7m)],
        });

        await Eventually.TrueAsync(
            async () => await _host.ScalarAsync<long>("SELECT count(*) FROM customer_daily_purchases WHERE customer_id = @c", ("c", customer)) == 2,
            "both purchase days to be kept");
        Assert.Equal($"customer_daily_purchases_{recent:yyyy_MM}", await _host.ScalarAsync<string>(
            "SELECT tableoid::regclass::text FROM customer_daily_purchases WHERE customer_id = @c AND day = @d", ("c", customer), ("d", DateOnly.FromDateTime(recent.UtcDateTime))));
        Assert.Equal("customer_daily_purchases_default", await _host.ScalarAsync<string>(
            "SELECT tableoid::regclass::text FROM customer_daily_purchases WHERE customer_id = @c AND day = @d", ("c", customer), ("d", new DateOnly(1997, 3, 1))));
        Assert.Equal(15m, await _host.ScalarAsync<decimal>("SELECT gross_revenue FROM customer_daily_purchases WHERE customer_id = @c AND day = @d", ("c", customer), ("d", DateOnly.FromDateTime(recent.UtcDateTime))));
        Assert.Equal(2, await _host.ScalarAsync<int>("SELECT purchase_days FROM customer_purchases WHERE customer_id = @c", ("c", customer)));
    }

    [Fact]
    public async Task PartitionsJob_CreatesTheMonthsAhead_AndIsHarmlessTwice()
    {
        var job = ActivatorUtilities.CreateInstance<DailyPurchasePartitionsJob>(_host.App.Services);
        var last = DateTimeOffset.UtcNow + DailyPurchasePartitionsJob.Ahead;
        await _host.ExecuteAsync($"DROP TABLE IF EXISTS customer_daily_purchases_{last:yyyy_MM}");

        await job.RunAsync(new EnsureDailyPurchasePartitions(), null!, CancellationToken.None);
        await job.RunAsync(new EnsureDailyPurchasePartitions(), null!, CancellationToken.None);

        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'customer_daily_purchases'::regclass AND inhrelid = to_regclass(@name)",
            ("name", $"customer_daily_purchases_{last:yyyy_MM}")));
    }

    private static TransactionRecord Transaction(Guid customer, DateTimeOffset at, decimal gross) => new()
    {
        TransactionId = Guid.NewGuid(),
        CustomerId = customer,
        Source = "shop",
        OrderId = Guid.NewGuid().ToString(),
        OccurredAt = at,
        GrossAmount = gross,
        DiscountAmount = 0m,
        Currency = "EUR",
        Quantity = 1,
        IsReturn = false,
    };
}

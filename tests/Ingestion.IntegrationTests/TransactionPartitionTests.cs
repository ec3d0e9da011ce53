using System.Net;
using System.Net.Http.Json;
using Ingestion.Features.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Jobs;
using Platform.Data.Partitions;

namespace Ingestion.IntegrationTests;

/// <summary>
/// Transactions are partitioned by month (migration 0009) and identified across months by their key in
/// transaction_keys: a replay is recognised, and a changed one refused, whichever month it names.
/// </summary>
public sealed class TransactionPartitionTests(RecordingHostFixture fixture) : IClassFixture<RecordingHostFixture>
{
    private readonly RecordingTestHost _host = fixture.Host;

    private HttpClient Client => _host.Client;

    [Theory]
    [InlineData("2025-06-01T08:00:00Z", "M-1")] // another month's partition
    [InlineData("1997-03-01T08:00:00Z", "M-2")] // the default partition
    public async Task Post_ReplayMovedToAnotherMonth_Returns409_AndKeepsTheFirstVersionOnly(string movedTo, string orderId)
    {
        await _host.CreateCustomerAsync("months", "c1");
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", orderId, "2026-01-02T10:00:00Z"))).StatusCode);

        var moved = await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", orderId, movedTo));

        await RecordingTestHost.AssertProblemAsync(moved, HttpStatusCode.Conflict, "orderId");
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'months' AND order_id = @o", ("o", orderId)));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.Zero),
            await _host.ScalarAsync<DateTimeOffset>("SELECT occurred_at FROM transactions WHERE source = 'months' AND order_id = @o", ("o", orderId)));
    }

    [Fact]
    public async Task Batch_ReplayMovedToAnotherMonth_IsAConflictOfThatItem()
    {
        await _host.CreateCustomerAsync("months", "c2");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", "M-3", "2026-01-02T10:00:00Z", "c2"));

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new[]
        {
            Transaction("months", "M-4", "2026-02-02T10:00:00Z", "c2"),
            Transaction("months", "M-3", "2024-12-24T10:00:00Z", "c2"),
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.Conflict, "[1].orderId");
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM transaction_keys WHERE source = 'months' AND order_id = 'M-4'"));
    }

    [Fact]
    public async Task Post_SameOrderInADefaultPartitionMonth_IsAReplay_AndGetFindsIt()
    {
        await _host.CreateCustomerAsync("months", "c3");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", "M-5", "1997-03-01T08:00:00Z", "c3"));

        var replay = await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", "M-5", "1997-03-01T08:00:00Z", "c3"));
        var stored = await Client.GetAsync($"/v1/transactions/{DeterministicGuid.ForTransaction("months", "M-5")}");

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("transactions_default", await _host.ScalarAsync<string>("SELECT tableoid::regclass::text FROM transactions WHERE source = 'months' AND order_id = 'M-5'"));
    }

    [Fact]
    public async Task Orders_GoToTheirMonthsPartition_AndEachOrderHasOneKey()
    {
        await _host.CreateCustomerAsync("months", "c4");
        var month = DateTimeOffset.UtcNow.AddMonths(-1);
        var occurredAt = new DateTimeOffset(month.Year, month.Month, 15, 12, 0, 0, TimeSpan.Zero);
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("months", "M-6", occurredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), "c4"));

        Assert.Equal($"transactions_{occurredAt:yyyy_MM}", await _host.ScalarAsync<string>("SELECT tableoid::regclass::text FROM transactions WHERE source = 'months' AND order_id = 'M-6'"));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM transaction_keys WHERE source = 'months' AND order_id = 'M-6'"));
    }

    [Fact]
    public async Task PartitionsJob_CreatesTheMonthsAhead_AndIsHarmlessTwice()
    {
        var job = ActivatorUtilities.CreateInstance<MonthlyPartitionsJob>(_host.App.Services);
        var last = DateTimeOffset.UtcNow + MonthlyPartitions.Ahead;
        await _host.ExecuteAsync($"DROP TABLE IF EXISTS transactions_{last:yyyy_MM}");

        await job.RunAsync(new EnsureMonthlyPartitions(), null!, CancellationToken.None);
        await job.RunAsync(new EnsureMonthlyPartitions(), null!, CancellationToken.None);

        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass AND inhrelid = to_regclass(@name)", ("name", $"transactions_{last:yyyy_MM}")));
    }

    private static object Transaction(string source, string orderId, string occurredAt, string customer = "c1") =>
        new { source, orderId, customerExternalId = customer, occurredAt, grossAmount = 10m, currency = "EUR" };
}

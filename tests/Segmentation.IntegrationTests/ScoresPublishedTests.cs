namespace Segmentation.IntegrationTests;

/// <summary>A completed scoring run announces every customer's scores (CustomersScored, batches of 1,000) with a run number from the database.</summary>
public sealed class ScoresPublishedTests : IAsyncLifetime
{
    private const string EventsSql = """
        SELECT count(*) FROM outbox_messages
        WHERE message_type LIKE 'Platform.Contracts.Segmentation.CustomersScored,%' AND (body->>'runNumber')::bigint = @run
        """;

    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("scores-published");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CompletedRun_AnnouncesEveryCustomerOnceInBatchesOfAThousand_WithAHigherNumberEachRun()
    {
        // 2,345 profiles, one of them a buyer with known values.
        await _host.ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, customer_updated_at, created_at)
            SELECT gen_random_uuid(), 'test', 'p' || i, 'customer', now(), now() FROM generate_series(1, 2344) i
            """);
        var buyer = await _host.AddCustomerAsync("buyer", orders: 4, net: 400, discountedOrders: 3);

        var first = await _host.ScoreAsync();
        var run1 = await _host.ScalarAsync<long>("SELECT run_number FROM score_runs WHERE id = @id", ("id", first.GetProperty("id").GetGuid()));
        Assert.Equal(3L, await _host.ScalarAsync<long>(EventsSql, ("run", run1)));
        Assert.Equal("1,2,3/3", await _host.ScalarAsync<string>("""
            SELECT string_agg(body->>'batchNumber', ',' ORDER BY (body->>'batchNumber')::int) || '/' || max(body->>'batchCount')
            FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Segmentation.CustomersScored,%' AND (body->>'runNumber')::bigint = @run
            """, ("run", run1)));
        Assert.Equal(2345L, await _host.ScalarAsync<long>("""
            SELECT count(DISTINCT s->>'customerId') FROM outbox_messages, json_array_elements(body->'scores') s
            WHERE message_type LIKE 'Platform.Contracts.Segmentation.CustomersScored,%' AND (body->>'runNumber')::bigint = @run
            """, ("run", run1)));
        Assert.Equal("4:true", await _host.ScalarAsync<string>("""
            SELECT (s->>'orders') || ':' || (s->>'dealSeeker') FROM outbox_messages, json_array_elements(body->'scores') s
            WHERE message_type LIKE 'Platform.Contracts.Segmentation.CustomersScored,%' AND (body->>'runNumber')::bigint = @run AND s->>'customerId' = @id
            """, ("run", run1), ("id", buyer.ToString())));

        var second = await _host.ScoreAsync();
        var run2 = await _host.ScalarAsync<long>("SELECT run_number FROM score_runs WHERE id = @id", ("id", second.GetProperty("id").GetGuid()));
        Assert.True(run2 > run1);
        Assert.Equal(3L, await _host.ScalarAsync<long>(EventsSql, ("run", run2)));
    }
}

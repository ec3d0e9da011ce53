using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.Segmentation;
using Platform.Testing;
using Segmentation.Features.Segments;

namespace Segmentation.IntegrationTests;

/// <summary>
/// Snapshots asked for by command (<see cref="CreateSegmentSnapshot"/>), their members' 365-day fields, streamed member
/// batches, and the one writer behind both the command and the HTTP endpoint.
/// </summary>
public sealed class SnapshotCommandTests : IAsyncLifetime
{
    // Midday, so the 365-day window's edges are whole days away from the as-of moment.
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static readonly string[] AnalyzedTables = ["customer_profiles", "customer_purchases", "customer_daily_purchases", "customer_scores"];

    private readonly ManualClock _clock = new(Now);
    private SegmentationTestHost _host = null!;
    private Guid _segmentId;

    public async Task InitializeAsync()
    {
        _host = await SegmentationTestHost.StartAsync("snapshot-commands", clock: _clock);
        _segmentId = await CreateSegmentAsync("snap-buyers", new { field = "country", op = "eq", value = "SE" });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Command_TakesTheSnapshotWithTheRequestedId_AndPublishesCreatedAndMembers()
    {
        var a = await AddProfileAsync("cmd-a", "SE", "customer");
        var b = await AddProfileAsync("cmd-b", "SE", "prospect");
        await AddProfileAsync("cmd-other", "NO", "customer");
        var snapshotId = Guid.NewGuid();

        await SendAsync(snapshotId, _segmentId, "campaign X launch");

        await WaitForSnapshotAsync(snapshotId);
        var created = await OutboxBodyAsync("SegmentSnapshotCreated", snapshotId);
        Assert.Equal(_segmentId, created.GetProperty("segmentId").GetGuid());
        Assert.Equal("snap-buyers", created.GetProperty("segmentName").GetString());
        Assert.Equal("campaign X launch", created.GetProperty("purpose").GetString());
        Assert.Equal(2, created.GetProperty("memberCount").GetInt32());
        Assert.Equal(1, created.GetProperty("batchCount").GetInt32());
        var batch = await OutboxBodyAsync("SegmentSnapshotMembersAdded", snapshotId);
        Assert.Equal(new[] { a, b }.Order(), batch.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("customerId").GetGuid()));
        var snapshot = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/snapshots/{snapshotId}");
        Assert.Equal(2, snapshot.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task RepeatedCommand_WithTheSameSnapshotId_CreatesAndPublishesNothingNew()
    {
        await AddProfileAsync("rep-a", "SE", "customer");
        var snapshotId = Guid.NewGuid();
        await SendAsync(snapshotId, _segmentId);
        await WaitForSnapshotAsync(snapshotId);
        var outboxBefore = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages");
        var membersBefore = await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId));

        await AddProfileAsync("rep-b", "SE", "customer"); // would be a member of a new snapshot
        await SendAsync(snapshotId, _segmentId);          // a new message: the inbox does not know it

        await Eventually.TrueAsync(async () => await HandledCommandsAsync() >= 2, "the repeated command to be handled");
        Assert.Equal(outboxBefore, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
        Assert.Equal(membersBefore, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId)));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE id = @id", ("id", snapshotId)));
    }

    [Fact]
    public async Task Snapshot_AnalyzesTheTablesItReads_SoAFreshImportIsNotPlannedOnEmptyStatistics()
    {
        await AddProfileAsync("an-a", "SE", "customer");
        var snapshotId = Guid.NewGuid();

        await SendAsync(snapshotId, _segmentId);

        await WaitForSnapshotAsync(snapshotId);
        // Statistics views are flushed asynchronously (PostgreSQL 15: when the backend goes idle).
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = ANY(@tables) AND last_analyze IS NOT NULL", ("tables", AnalyzedTables)) == AnalyzedTables.Length,
            "the snapshot's tables analyzed");
    }

    [Fact]
    public async Task Command_ForAnUnknownSegment_IsRefusedWithAReason()
    {
        var snapshotId = Guid.NewGuid();
        var unknown = Guid.NewGuid();

        await SendAsync(snapshotId, unknown);

        var refused = await Eventually.ValueAsync(() => OutboxTextAsync("SegmentSnapshotRefused", snapshotId), "the refusal");
        var body = JsonDocument.Parse(refused!).RootElement;
        Assert.Equal(unknown, body.GetProperty("segmentId").GetGuid());
        Assert.Contains("does not exist", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE id = @id", ("id", snapshotId)));
        Assert.Null(await OutboxTextAsync("SegmentSnapshotCreated", snapshotId));
    }

    [Fact]
    public async Task Command_ForADeletedSegment_IsRefusedWithAReason_AndTheEndpointAnswers404()
    {
        var deleted = await CreateSegmentAsync("snap-deleted", new { field = "country", op = "eq", value = "SE" });
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/v1/segments/{deleted}")).StatusCode);
        var snapshotId = Guid.NewGuid();

        await SendAsync(snapshotId, deleted);

        var refused = await Eventually.ValueAsync(() => OutboxTextAsync("SegmentSnapshotRefused", snapshotId), "the refusal");
        Assert.Contains("was deleted", JsonDocument.Parse(refused!).RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE id = @id", ("id", snapshotId)));
        var viaHttp = await _host.Client.PostAsJsonAsync($"/v1/segments/{deleted}/snapshots", new { });
        await ProblemAssert.HasProblemAsync(viaHttp, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Members_CarryNetRevenueAndOrdersOfThe365DaysBeforeTheSnapshot_AndLifecycle_InTheEventTableAndApi()
    {
        var segment = await CreateSegmentAsync("snap-window", new { field = "country", op = "eq", value = "FI" });
        var buyer = await AddProfileAsync("win-buyer", "FI", "customer");
        var prospect = await AddProfileAsync("win-prospect", "FI", "prospect");
        await AddDayAsync(buyer, Today, orders: 2, net: 100m);                    // the as-of day: in
        await AddDayAsync(buyer, Today.AddDays(-364), orders: 1, net: 30.5m);     // the window's first day: in
        await AddDayAsync(buyer, Today.AddDays(-365), orders: 5, net: 999m);      // a year and a day before: out
        await AddDayAsync(buyer, Today.AddDays(-10), orders: 1, net: -20m, isReturn: true); // a return: revenue down, no order

        var response = await _host.Client.PostAsJsonAsync($"/v1/segments/{segment}/snapshots", new { purpose = "window" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var snapshotId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var members = (await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/snapshots/{snapshotId}/members")).GetProperty("items").EnumerateArray()
            .ToDictionary(m => m.GetProperty("customerId").GetGuid());
        Assert.Equal(110.5m, members[buyer].GetProperty("netRevenue365").GetDecimal());
        Assert.Equal(3, members[buyer].GetProperty("orders365").GetInt32());
        Assert.Equal("customer", members[buyer].GetProperty("lifecycle").GetString());
        Assert.Equal(0m, members[prospect].GetProperty("netRevenue365").GetDecimal());
        Assert.Equal(0, members[prospect].GetProperty("orders365").GetInt32());
        Assert.Equal("prospect", members[prospect].GetProperty("lifecycle").GetString());
        var sent = (await OutboxBodyAsync("SegmentSnapshotMembersAdded", snapshotId)).GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("customerId").GetGuid());
        Assert.Equal(110.5m, sent[buyer].GetProperty("netRevenue365").GetDecimal());
        Assert.Equal(3, sent[buyer].GetProperty("orders365").GetInt32());
        Assert.Equal("prospect", sent[prospect].GetProperty("lifecycle").GetString());
        Assert.Equal(110.5m, await _host.ScalarAsync<decimal>(
            "SELECT net_revenue_365 FROM segment_snapshot_members WHERE snapshot_id = @s AND customer_id = @c", ("s", snapshotId), ("c", buyer)));
    }

    [Fact]
    public async Task LargeSnapshot_IsSentInBatchesOfAThousand_InCustomerIdOrder_EachMemberOnce()
    {
        var segment = await CreateSegmentAsync("snap-large", new { field = "country", op = "eq", value = "DK" });
        await _host.ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, customer_updated_at, created_at)
            SELECT gen_random_uuid(), 'test', 'large-' || i, 'customer', 'DK', now(), now() FROM generate_series(1, 2500) AS i
            """);
        var snapshotId = Guid.NewGuid();

        await SendAsync(snapshotId, segment);

        await WaitForSnapshotAsync(snapshotId);
        var batches = await ReadBatchesAsync(snapshotId);
        Assert.Equal([1, 2, 3], batches.Select(b => b.GetProperty("batchNumber").GetInt32()));
        Assert.All(batches, b => Assert.Equal(3, b.GetProperty("batchCount").GetInt32()));
        Assert.All(batches, b => Assert.Equal(2500, b.GetProperty("memberCount").GetInt32()));
        Assert.Equal([1000, 1000, 500], batches.Select(b => b.GetProperty("members").GetArrayLength()));
        var ids = batches.SelectMany(b => b.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("customerId").GetString()!)).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal).ToList(), ids); // lower-case hex text sorts like PostgreSQL's uuid bytes
        Assert.Equal(2500, ids.Distinct().Count());
        Assert.Equal(2500L, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId)));
    }

    [Fact]
    public async Task FailureWhileAddingMemberBatches_LeavesNoSnapshotNoMembersAndNoEvents()
    {
        var segment = await CreateSegmentAsync("snap-fail", new { field = "country", op = "eq", value = "IS" });
        await _host.ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, customer_updated_at, created_at)
            SELECT gen_random_uuid(), 'test', 'fail-' || i, 'customer', 'IS', now(), now() FROM generate_series(1, 1500) AS i
            """);
        var snapshotEvents = await SnapshotEventsAsync();
        // The second member batch cannot be written: the first, the header and the members are already in the transaction.
        await _host.ExecuteAsync("""
            CREATE FUNCTION refuse_second_batch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'second batch refused for the test'; END $$;
            CREATE TRIGGER refuse_second_batch BEFORE INSERT ON outbox_messages FOR EACH ROW
                WHEN (NEW.message_type LIKE '%SegmentSnapshotMembersAdded%' AND (NEW.body::jsonb ->> 'batchNumber') = '2')
                EXECUTE FUNCTION refuse_second_batch();
            """);
        try
        {
            var response = await _host.Client.PostAsJsonAsync($"/v1/segments/{segment}/snapshots", new { purpose = "doomed" });

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE purpose = 'doomed'"));
            Assert.Equal(0L, await _host.ScalarAsync<long>(
                "SELECT count(*) FROM segment_snapshot_members m JOIN customer_profiles p USING (customer_id) WHERE p.country = 'IS'"));
            Assert.Equal(snapshotEvents, await SnapshotEventsAsync());
        }
        finally
        {
            await _host.ExecuteAsync("DROP TRIGGER refuse_second_batch ON outbox_messages; DROP FUNCTION refuse_second_batch();");
        }
    }

    [Fact]
    public async Task TwoWritersWithTheSameSnapshotId_TakeOneSnapshot()
    {
        await AddProfileAsync("race-a", "SE", "customer");
        var writer = _host.App.Services.GetRequiredService<SnapshotWriter>();
        var db = _host.App.Services.GetRequiredService<NpgsqlDataSource>();
        var snapshotId = Guid.NewGuid();
        await using var first = await db.OpenConnectionAsync();
        await using var firstTx = await first.BeginTransactionAsync();
        var firstOutcome = await writer.CreateAsync(firstTx, snapshotId, _segmentId, null, default);

        var second = Task.Run(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var outcome = await writer.CreateAsync(tx, snapshotId, _segmentId, null, default); // waits for the first
            await tx.CommitAsync();
            return outcome;
        });
        await firstTx.CommitAsync();
        var secondOutcome = await second;

        Assert.True(firstOutcome.Created);
        Assert.False(secondOutcome.Created);
        Assert.Equal(firstOutcome.Snapshot!.MemberCount, secondOutcome.Snapshot!.MemberCount);
        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%SegmentSnapshotCreated%' AND body::json ->> 'snapshotId' = @id", ("id", snapshotId.ToString())));
    }

    private async Task<Guid> CreateSegmentAsync(string name, object rule)
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/segments", new { name, rule });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> AddProfileAsync(string externalId, string country, string lifecycle)
    {
        var id = Guid.NewGuid();
        await _host.ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, customer_updated_at, created_at)
            VALUES (@id, 'test', @externalId, @lifecycle, @country, now(), now())
            """, ("id", id), ("externalId", externalId), ("lifecycle", lifecycle), ("country", country));
        return id;
    }

    private Task AddDayAsync(Guid customerId, DateOnly day, int orders, decimal net, bool isReturn = false) =>
        _host.ExecuteAsync("""
            INSERT INTO customer_daily_purchases (customer_id, day, is_return, orders_count, gross_revenue, net_revenue, discount_total,
                cost_total, costed_net_revenue, discounted_orders_count)
            VALUES (@id, @day, @isReturn, @orders, @net, @net, 0, 0, 0, 0)
            """, ("id", customerId), ("day", day), ("isReturn", isReturn), ("orders", orders), ("net", net));

    private Task SendAsync(Guid snapshotId, Guid segmentId, string? purpose = null) =>
        _host.App.Services.GetRequiredService<IBus>().Publish(new CreateSegmentSnapshot
        {
            SnapshotId = snapshotId, SegmentId = segmentId, Purpose = purpose, RequestedAt = Now,
        });

    private Task<long> SnapshotEventsAsync() =>
        _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Segmentation.SegmentSnapshot%'");

    private Task<long> HandledCommandsAsync() =>
        _host.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE consumer = 'CreateSegmentSnapshotConsumer'");

    private Task WaitForSnapshotAsync(Guid snapshotId) =>
        Eventually.TrueAsync(
            async () => await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE id = @id", ("id", snapshotId)) == 1,
            $"snapshot {snapshotId}");

    private async Task<string?> OutboxTextAsync(string type, Guid snapshotId) =>
        await _host.ScalarAsync<string?>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE @type AND body::json ->> 'snapshotId' = @id ORDER BY sequence LIMIT 1",
            ("type", $"Platform.Contracts.Segmentation.{type},%"), ("id", snapshotId.ToString()));

    private async Task<JsonElement> OutboxBodyAsync(string type, Guid snapshotId) =>
        JsonDocument.Parse(await OutboxTextAsync(type, snapshotId) ?? throw new InvalidOperationException($"no {type} for {snapshotId}")).RootElement.Clone();

    private async Task<List<JsonElement>> ReadBatchesAsync(Guid snapshotId)
    {
        await using var connection = await _host.Database.OpenAsync();
        var bodies = await connection.QueryAsync<string>(
            """
            SELECT body::text FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.Segmentation.SegmentSnapshotMembersAdded,%' AND body::json ->> 'snapshotId' = @id
            ORDER BY sequence
            """, new { id = snapshotId.ToString() });
        return bodies.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList();
    }
}

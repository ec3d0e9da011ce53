using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Ingestion;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

public sealed class SegmentsApiTests : IAsyncLifetime
{
    private static readonly string[] GermanyAndUs = ["DE", "US"];

    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await SegmentationTestHost.StartAsync("segments");
        var now = DateTimeOffset.UtcNow;
        await _host.AddCustomerAsync("de-1", orders: 5, net: 500, lastPurchase: now.AddDays(-3), country: "DE", consentEmail: true);
        await _host.AddCustomerAsync("de-2", orders: 1, net: 40, lastPurchase: now.AddDays(-200), country: "DE", consentEmail: false);
        await _host.AddCustomerAsync("us-1", orders: 2, net: 90, lastPurchase: now.AddDays(-20), country: "US");
        await _host.AddCustomerAsync("o'brien", lifecycle: "prospect", country: "IE");
        await _host.ScoreAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Preview_CountsMembersRevenueShareAndTierMix()
    {
        var preview = await PreviewAsync(new { and = new object[]
        {
            new { field = "country", op = "eq", value = "DE" },
            new { field = "last_purchase_at", op = "within_last_days", value = 30 },
        } });

        var statistics = preview.GetProperty("statistics");
        Assert.Equal(1, statistics.GetProperty("size").GetInt64());
        Assert.Equal(4, statistics.GetProperty("customers").GetInt64());
        Assert.Equal(500m / 630m, (decimal)statistics.GetProperty("revenueShare").GetDouble(), 6);
        Assert.Equal(1, statistics.GetProperty("tierMix").GetProperty("middle").GetInt64()); // 3 valued customers: none within the top 10 %
        Assert.Equal("DE", Assert.Single(preview.GetProperty("sample").EnumerateArray()).GetProperty("country").GetString());
    }

    [Fact]
    public async Task EveryOperator_RunsOnTheRealDatabase()
    {
        var rule = new
        {
            or = new object[]
            {
                new { field = "lifecycle", op = "in", value = new[] { "customer", "prospect" } },
                new { field = "country", op = "not_in", value = new[] { "FR" } },
                new { field = "region", op = "is_null" },
                new { field = "acquisition_channel", op = "is_not_null" },
                new { field = "net_revenue", op = "between", value = new[] { 10, 1000 } },
                new { field = "orders_count", op = "gt", value = 1 },
                new { field = "average_order_value", op = "lte", value = 100.5 },
                new { field = "first_purchase_at", op = "gte", value = "2020-01-01T00:00:00Z" },
                new { field = "join_date", op = "lt", value = "2030-01-01" },
                new { field = "consent_email", op = "ne", value = true },
                new { field = "value_tier", op = "eq", value = "top" },
                new { field = "deal_seeker", op = "eq", value = false },
                new { field = "country", op = "starts_with", value = "D" },
                new { field = "p_alive", op = "is_null" },
                new { field = "clv_economics", op = "gte", value = 0 },
                new { field = "tenure_days", op = "gte", value = 0 },
                new { not = new { field = "rfm_cell", op = "eq", value = "555" } },
            },
        };

        var preview = await PreviewAsync(rule);

        Assert.Equal(4, preview.GetProperty("statistics").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task BadRules_Get400WithThePathToEachBadNode_AndSaveNothing()
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/segments", new
        {
            name = "bad",
            rule = new { and = new object[]
            {
                new { field = "country", op = "eq", value = "DE" },
                new { or = new object[] { new { field = "no_such_field", op = "eq", value = 1 }, new { field = "orders_count", op = "like", value = 1 } } },
                new { field = "net_revenue", op = "gt", value = "lots" },
            } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var paths = errors.EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(paths, p => p.StartsWith("rule.and[1].or[0]", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("rule.and[1].or[1]", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("rule.and[2]", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.StartsWith("rule.and[0]", StringComparison.Ordinal));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM segments"));
    }

    [Fact]
    public async Task HostileValues_AreData_NeverSql()
    {
        var preview = await PreviewAsync(new { or = new object[]
        {
            new { field = "country", op = "eq", value = "'; DROP TABLE customer_profiles; --" },
            new { field = "country", op = "in", value = Enumerable.Range(0, 10_000).Select(i => $"x{i}' OR '1'='1").ToArray() },
            new { field = "country", op = "starts_with", value = "%" },
        } });

        Assert.Equal(0, preview.GetProperty("statistics").GetProperty("size").GetInt64());
        Assert.Equal(4L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_profiles"));

        var quoted = await PreviewAsync(new { field = "country", op = "eq", value = "IE" });
        Assert.Equal(1, quoted.GetProperty("statistics").GetProperty("size").GetInt64()); // o'brien, a name with a quote
    }

    [Fact]
    public async Task DeeplyNestedRule_Gets400NamingTheNodeTooDeep_NotAJsonError()
    {
        var rule = "{\"field\":\"orders_count\",\"op\":\"gte\",\"value\":1}";
        for (var i = 0; i < 40; i++)
        {
            rule = "{\"not\":" + rule + "}";
        }

        using var content = new StringContent("{\"rule\":" + rule + "}", System.Text.Encoding.UTF8, "application/json");
        var response = await _host.Client.PostAsync("/v1/segments/preview", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var path = Assert.Single(errors.EnumerateObject()).Name;
        Assert.StartsWith("rule" + string.Concat(Enumerable.Repeat(".not", 32)), path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segments_SaveUpdateReport_AndNamesAreUnique()
    {
        var rule = new { field = "country", op = "eq", value = "DE" };
        var created = await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "Germany", description = "all DE", rule });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "Germany", rule })).StatusCode);

        var report = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/segments/{id}/report");
        Assert.Equal(2, report.GetProperty("statistics").GetProperty("size").GetInt64());
        Assert.Equal(2, report.GetProperty("statistics").GetProperty("recencyMix").EnumerateObject().Sum(p => p.Value.GetInt64()));

        var updated = await _host.Client.PutAsJsonAsync($"/v1/segments/{id}", new { name = "Germany", rule = new { field = "country", op = "in", value = GermanyAndUs } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        report = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/segments/{id}/report");
        Assert.Equal(3, report.GetProperty("statistics").GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/segments/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Erasure_RemovesTheCustomerFromSnapshots_AndNothingElseChanges()
    {
        var created = await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "buyers", rule = new { field = "orders_count", op = "gte", value = 1 } });
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var snapshot = await (await _host.Client.PostAsJsonAsync($"/v1/segments/{segmentId}/snapshots", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var snapshotId = snapshot.GetProperty("id").GetGuid();
        Assert.Equal(3, snapshot.GetProperty("memberCount").GetInt32());
        var erased = await _host.ScalarAsync<Guid>("SELECT customer_id FROM customer_profiles WHERE external_id = 'de-1'");

        await _host.App.Services.GetRequiredService<IBus>().Publish(new CustomerErased { CustomerId = erased, ErasedAt = DateTimeOffset.UtcNow });

        await Eventually.TrueAsync(async () => await _host.ScalarAsync<long>("SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId)) == 2,
            "the erased customer gone from the snapshot");
        Assert.Equal(0L, await _host.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM customer_profiles WHERE customer_id = @id) + (SELECT count(*) FROM customer_scores WHERE customer_id = @id) + (SELECT count(*) FROM customer_daily_purchases WHERE customer_id = @id)",
            ("id", erased)));
        var after = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/snapshots/{snapshotId}");
        Assert.Equal(3, after.GetProperty("memberCount").GetInt32()); // the size at creation stays on record
    }

    private async Task<JsonElement> PreviewAsync(object rule)
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/segments/preview", new { rule });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Demo;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.MarketingLoop;

/// <summary>
/// The demo's marketing loop, smaller and seeded, through the gateway with every service as its own process on the
/// simulated clock: a generated customer base with known truth is ingested, scored, segmented; a retention and an
/// acquisition campaign run through the channels (the demo's simulator answers through the ingestion API); the
/// measured lifts are compared with the truth, and what crossed the services is counted.
/// </summary>
public sealed class MarketingLoopTests(PlatformProcesses platform, ITestOutputHelper output) : IClassFixture<PlatformProcesses>
{
    [Fact]
    public async Task SmallSeededLoop_MeasuresTheTrueLifts_NeverContactsControl_CountsEveryOrderOnce_AndRefusesWrongScopes()
    {
        using var report = new StringWriter();
        DemoOutcome outcome;
        try
        {
            outcome = await Demo.MarketingLoop.RunAsync(new DemoOptions
            {
                Gateway = platform.Gateway,
                AdminKey = PlatformProcesses.AdminKey,
                Customers = 12_000,
                Prospects = 6_000,
                Seed = 20261130,
                Output = report,
                TimeBudget = TimeSpan.FromMinutes(15),
                // 99.9% intervals: a dozen lifts at 95% would all cover the truth only about half the time by chance alone.
                Confidence = 0.999,
            }, CancellationToken.None);
        }
        finally
        {
            output.WriteLine(report.ToString());
        }

        // Both campaigns ran to the end, and every lift's 99.9% interval contains the true lift of the simulation.
        Assert.Equal(2, outcome.Campaigns.Count);
        Assert.All(outcome.Campaigns, c => Assert.Equal("completed", c.Status));
        var lifts = outcome.Campaigns.SelectMany(c => c.Cells.Where(cell => !cell.IsControl).SelectMany(cell => new[]
        {
            ($"{c.Code}/{cell.Cell} conversion lift", cell.ConversionLift),
            ($"{c.Code}/{cell.Cell} revenue lift", cell.RevenueLift),
        })).Where(l => l.Item2?.Covers is not null).ToList();
        Assert.True(lifts.Count >= 8, $"only {lifts.Count} lifts with a truth");
        if (lifts.Any(l => l.Item2!.Covers != true))
        {
            // Whether Measurement had every order by now (the demo waits for that before reading results).
            output.WriteLine($"orders: {await RowAsync("Ingestion", "SELECT count(*), coalesce(sum(gross_amount - discount_amount), 0) FROM transactions")} ingested, "
                + $"{await RowAsync("Measurement", "SELECT count(*), coalesce(sum(net_amount), 0) FROM purchases")} in Measurement");
            // What the services warned about, to tell a lost or late fact from chance (their last lines, warnings and errors).
            output.WriteLine(string.Join('\n', platform.Output().Split('\n')
                .Where(line => line.StartsWith("==", StringComparison.Ordinal) || line.Contains("warn", StringComparison.OrdinalIgnoreCase)
                               || line.Contains("fail", StringComparison.OrdinalIgnoreCase) || line.Contains("exception", StringComparison.OrdinalIgnoreCase))
                .TakeLast(300)));
        }

        Assert.All(lifts, l => Assert.True(l.Item2!.Covers, $"{l.Item1}: [{l.Item2.Lower}, {l.Item2.Upper}] misses the truth {l.Item2.Truth}"));
        Assert.Equal(0, outcome.BadSignatures);

        // Control members were never contacted: Measurement's health says so, and Campaigns holds no contact for them.
        Assert.All(outcome.Campaigns, c => Assert.Equal(0, c.ControlContacts));
        Assert.Equal(0L, await ScalarAsync<long>("Campaigns", """
            SELECT count(*) FROM contacts c JOIN assignments a USING (campaign_id, customer_id)
            WHERE a.cell IN ('control', 'global_control') AND c.status IN ('dispatched', 'exported')
            """));
        Assert.True(await ScalarAsync<long>("Campaigns", "SELECT count(*) FROM contacts WHERE status IN ('dispatched', 'exported')") > 0);

        // Every order ingested is counted exactly once by Segmentation and by Measurement (count and net sum).
        var ingested = await RowAsync("Ingestion", "SELECT count(*), coalesce(sum(gross_amount - discount_amount), 0) FROM transactions");
        Assert.Equal(outcome.OrdersIngested, ingested.Count);
        const string Segmentation = "SELECT coalesce(sum(orders_count + returns_count), 0), coalesce(sum(net_revenue), 0) FROM customer_purchases";
        const string Measurement = "SELECT count(*), coalesce(sum(net_amount), 0) FROM purchases";
        await Platform.Testing.Eventually.TrueAsync(async () => await RowAsync("Segmentation", Segmentation) == ingested && await RowAsync("Measurement", Measurement) == ingested,
            "Segmentation and Measurement to hold every order");
        Assert.Equal(ingested, await RowAsync("Segmentation", Segmentation)); // and not more: nothing arrives twice later
        Assert.Equal(ingested, await RowAsync("Measurement", Measurement));

        // Keys: none → 401; a key without the route's scope → 403; the right scope → 200.
        using var admin = Client(PlatformProcesses.AdminKey);
        var ingest = await CreateKeyAsync(admin, "loop ingest", "ingest");
        var marketer = await CreateKeyAsync(admin, "loop marketer", "marketer");
        var campaign = outcome.Campaigns[0].Id;
        using (var none = Client(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync($"/measurement/v1/campaigns/{campaign}/results")).StatusCode);
        }

        using (var ingestClient = Client(ingest))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await ingestClient.GetAsync($"/measurement/v1/campaigns/{campaign}/results")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await ingestClient.GetAsync($"/pages/campaigns/{campaign}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await ingestClient.GetAsync("/admin/keys")).StatusCode);
        }

        using (var marketerClient = Client(marketer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await marketerClient.PostAsJsonAsync("/ingestion/v1/customers", new { source = "loop", externalId = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await marketerClient.DeleteAsync($"/ingestion/v1/customers/{Guid.NewGuid()}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await marketerClient.GetAsync($"/measurement/v1/campaigns/{campaign}/results")).StatusCode);
        }
    }

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = platform.Gateway, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string scope)
    {
        var response = await admin.PostAsJsonAsync("/admin/keys", new { name, scopes = new[] { scope } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private async Task<T> ScalarAsync<T>(string service, string sql)
    {
        await using var connection = await platform.Databases[service].OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(long Count, decimal Net)> RowAsync(string service, string sql)
    {
        await using var connection = await platform.Databases[service].OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetDecimal(1));
    }
}

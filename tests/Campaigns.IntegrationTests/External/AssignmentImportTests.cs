using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Data;
using Platform.Testing;

namespace Campaigns.IntegrationTests.External;

/// <summary>External campaigns take their assignments from a CSV file, all or nothing, and publish what a launch publishes.</summary>
public sealed class AssignmentImportTests : IAsyncLifetime
{
    private const string AssignedExchange = "Platform.Contracts.Campaigns:CustomersAssigned";
    private const string LaunchedExchange = "Platform.Contracts.Campaigns:CampaignLaunched";
    private ServiceTestHost<Program> _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceTestHost<Program>.StartAsync("campaigns-external", new ServiceTestHostOptions { OnLoopback = false });
        await _host.VirtualHost.ListenAsync(AssignedExchange, "test-assigned");
        await _host.VirtualHost.ListenAsync(LaunchedExchange, "test-launched");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Import_StoresEveryRow_PublishesLaunchAndBatches_AndTheSameFileAgainChangesNothing()
    {
        await ExternalCampaignTestData.AddCustomersAsync(_host, "shop", 2_500);
        var campaign = await ExternalCampaignTestData.AddCampaignAsync(_host, "EXT-1", ["letter"]);
        var csv = new StringBuilder("source,external_id,cell,net_revenue_365\n");
        for (var i = 1; i <= 2_500; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"shop,{i},{(i % 2 == 0 ? "letter" : "control")},{i}.50\n");
        }

        var first = await PostAsync(campaign, csv.ToString(), "?startedAt=2026-03-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var result = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2_500, result.GetProperty("rows").GetInt32());
        Assert.Equal(1_250, result.GetProperty("cells").GetProperty("letter").GetInt32());
        Assert.False(result.GetProperty("replayed").GetBoolean());

        Assert.Equal(2_500L, await _host.ScalarAsync<long>("SELECT count(*) FROM assignments WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal(1_250m * 1_251m + 625m, await _host.ScalarAsync<decimal>("SELECT sum(net_revenue_365) FROM assignments WHERE cell = 'letter'")); // 2.5 + 4.5 + ... + 2500.5
        Assert.Equal("running", await _host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));

        var batches = await TakeAllAsync("test-assigned", 3);
        Assert.Equal([1, 2, 3], batches.Select(b => b.GetProperty("message").GetProperty("batchNumber").GetInt32()).Order());
        Assert.Equal(2_500, batches.Sum(b => b.GetProperty("message").GetProperty("assignments").GetArrayLength()));
        var launched = Assert.Single(await TakeAllAsync("test-launched", 1)).GetProperty("message");
        Assert.Equal("EXT-1", launched.GetProperty("code").GetString());
        Assert.Equal("external", launched.GetProperty("kind").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-03-01T00:00:00Z", CultureInfo.InvariantCulture), launched.GetProperty("waves")[0].GetProperty("startsAt").GetDateTimeOffset());

        var outboxBefore = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages");
        var again = await PostAsync(campaign, csv.ToString(), "?startedAt=2026-03-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetBoolean());
        Assert.Equal(outboxBefore, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));

        var changed = await PostAsync(campaign, csv.ToString().Replace("shop,2,letter", "shop,2,control", StringComparison.Ordinal), "?startedAt=2026-03-01T00:00:00Z");
        await ProblemAssert.HasProblemAsync(changed, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Import_WithBadRows_NamesEveryError_AndStoresNothing()
    {
        await ExternalCampaignTestData.AddCustomersAsync(_host, "bad", 5);
        var campaign = await ExternalCampaignTestData.AddCampaignAsync(_host, "EXT-BAD", ["letter"], waves: 2);
        const string Csv = """
            source,external_id,cell,wave,clv,deal_seeker
            bad,1,letter,1,12.5,true
            bad,2,phone,1,,
            bad,3,letter,3,,
            bad,4,control,1,lots,maybe
            bad,1,control,2,,
            bad,999,letter,1,,
            bad,5,letter
            """;

        var response = await PostAsync(campaign, Csv.Replace("\r", "", StringComparison.Ordinal), "");

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest,
            "rows[2].cell", "rows[3].wave", "rows[4].clv", "rows[4].deal_seeker", "rows[5].customer", "rows[6].customer", "rows[7].file");
        Assert.Equal(7, problem.GetProperty("errorCount").GetInt32());
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM assignments"));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
        Assert.Equal("draft", await _host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
    }

    [Fact]
    public async Task Import_RefusesBadHeaders_PlatformCampaigns_MissingStart_AndNonCsv()
    {
        var external = await ExternalCampaignTestData.AddCampaignAsync(_host, "EXT-H", ["letter"]);
        var platform = await ExternalCampaignTestData.AddCampaignAsync(_host, "PLAT-1", ["letter"], kind: "platform");

        await ProblemAssert.HasProblemAsync(await PostAsync(external, "customer,cell\nx,control\n", "?startedAt=2026-03-01T00:00:00Z"), HttpStatusCode.BadRequest, "file");
        await ProblemAssert.HasProblemAsync(await PostAsync(external, "customer_id,cell\n", ""), HttpStatusCode.BadRequest, "startedAt");
        await ProblemAssert.HasProblemAsync(await PostAsync(platform, "customer_id,cell\n", "?startedAt=2026-03-01T00:00:00Z"), HttpStatusCode.Conflict);
        await ProblemAssert.HasProblemAsync(await PostAsync(Guid.NewGuid(), "customer_id,cell\n", "?startedAt=2026-03-01T00:00:00Z"), HttpStatusCode.NotFound);
        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        await ProblemAssert.HasProblemAsync(await _host.Client.PostAsync($"/v1/campaigns/{external}/assignments", json), HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>Hillstrom's e-mail test (64,000 customers: men's e-mail, women's e-mail, no e-mail) imported as an external campaign.</summary>
    [Fact]
    public async Task Import_HillstromEmailTest_KeepsTheCellsOfTheFile()
    {
        await ExternalCampaignTestData.AddCustomersAsync(_host, "hillstrom", 64_000);
        var campaign = await ExternalCampaignTestData.AddCampaignAsync(_host, "HILLSTROM-2008", ["mens_email", "womens_email"]);
        var csv = new StringBuilder("source,external_id,cell,net_revenue_365\n");
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var gzip = new GZipStream(File.OpenRead(ReferenceData.Path("campaigns", "hillstrom.csv.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            var header = (await reader.ReadLineAsync())!.Split(',');
            var historyAt = Array.IndexOf(header, "history");
            var row = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                // The history_segment column is quoted when it holds a comma; the fields used here are never quoted.
                var fields = line.Split(',');
                var segment = fields[^4];
                var cell = segment switch { "Mens E-Mail" => "mens_email", "Womens E-Mail" => "womens_email", _ => "control" };
                expected[cell] = expected.GetValueOrDefault(cell) + 1;
                csv.Append(CultureInfo.InvariantCulture, $"hillstrom,{++row},{cell},{fields[historyAt + (fields.Length - header.Length)]}\n");
            }
        }

        var response = await PostAsync(campaign, csv.ToString(), "?startedAt=2008-03-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(21_306, expected["control"]);
        var stored = await _host.QueryAsync<(string Cell, long Count)>("SELECT cell, count(*) FROM assignments GROUP BY cell");
        Assert.Equal(expected.OrderBy(e => e.Key).Select(e => (e.Key, (long)e.Value)), stored.OrderBy(s => s.Cell));
        var batches = await TakeAllAsync("test-assigned", 64);
        Assert.Equal(64_000, batches.Sum(b => b.GetProperty("message").GetProperty("assignments").GetArrayLength()));
    }

    private async Task<HttpResponseMessage> PostAsync(Guid campaign, string csv, string query)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        return await _host.Client.PostAsync($"/v1/campaigns/{campaign}/assignments{query}", content);
    }

    private async Task<List<JsonElement>> TakeAllAsync(string queue, int count)
    {
        var taken = new List<JsonElement>();
        await Eventually.TrueAsync(async () =>
        {
            taken.AddRange((await _host.VirtualHost.TakeAsync(queue, count - taken.Count)).Select(b => JsonDocument.Parse(b).RootElement.Clone()));
            return taken.Count >= count;
        }, $"{count} messages on {queue}");
        return taken;
    }
}

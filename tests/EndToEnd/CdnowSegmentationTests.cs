using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Data;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// The CDNOW sample imported through Ingestion's API, carried to Segmentation by RabbitMQ, once for the class; the
/// tests then fit the lifetime models, score, segment and snapshot over it.
/// </summary>
public sealed class CdnowFixture : IAsyncLifetime
{
    private readonly TempDirectory _spool = new("e2e-cdnow");
    private TestDatabase _ingestionDb = null!;
    private ServiceApp<Ingestion.Program> _ingestion = null!;

    public TestVirtualHost VirtualHost { get; private set; } = null!;

    public TestDatabase SegmentationDb { get; private set; } = null!;

    public ServiceApp<Segmentation.Program> Segmentation { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        VirtualHost = await TestVirtualHost.CreateAsync("e2e-cdnow");
        _ingestionDb = await TestDatabase.CreateAsync("e2e_cdnow_ingestion");
        SegmentationDb = await TestDatabase.CreateAsync("e2e_cdnow_segmentation");
        var segmentationSettings = ServiceSettings.For(SegmentationDb, VirtualHost);
        segmentationSettings["Scoring:Schedule:Enabled"] = "false";
        Segmentation = new ServiceApp<Segmentation.Program>(segmentationSettings);
        Client = Segmentation.CreateClient();
        await Eventually.TrueAsync(async () => await VirtualHost.QueueExistsAsync("segmentation-transactions-recorded"), "segmentation's transactions queue");
        var settings = ServiceSettings.For(_ingestionDb, VirtualHost);
        settings["Imports:SpoolDirectory"] = _spool.Path;
        _ingestion = new ServiceApp<Ingestion.Program>(settings);
        using var ingestion = _ingestion.CreateClient();

        var (csv, _, rows) = await CdnowSample.TransactionsCsvAsync();
        using var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var upload = await ingestion.PostAsync("/v1/imports?kind=transactions&createCustomers=true&currency=USD", content);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        await Eventually.TrueAsync(
            async () => await ScalarAsync<long>("SELECT coalesce(sum(orders_count), 0)::bigint FROM customer_purchases") == rows
                        && await ScalarAsync<long>("SELECT count(*) FROM customer_profiles") == 2357,
            "every CDNOW transaction and customer in Segmentation", TimeSpan.FromSeconds(120));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _ingestion.DisposeAsync();
        await Segmentation.DisposeAsync();
        await SegmentationDb.DisposeAsync();
        await _ingestionDb.DisposeAsync();
        await VirtualHost.DisposeAsync();
        _spool.Dispose();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await SegmentationDb.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Fits the models on the CDNOW calibration period (to 1997-09-30, in weeks).</summary>
    public async Task<JsonElement> FitAsync()
    {
        var response = await Client.PostAsJsonAsync("/v1/models/fits", new { calibrationEnd = "1997-09-30", timeUnit = "week" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Queues a scoring run and waits for it to complete.</summary>
    public async Task<JsonElement> ScoreAsync(object request)
    {
        var response = await Client.PostAsJsonAsync("/v1/scores/runs", request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var json = await Eventually.ValueAsync(async () =>
        {
            var run = await Client.GetFromJsonAsync<JsonElement>($"/v1/scores/runs/{id}");
            var status = run.GetProperty("status").GetString();
            Assert.NotEqual("failed", status);
            return status == "completed" ? run.GetRawText() : null;
        }, "the scoring run to complete", TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}

public sealed class CdnowSegmentationTests(CdnowFixture cdnow) : IClassFixture<CdnowFixture>
{
    private static readonly string[] TopAndMiddle = ["top", "middle"];

    [Fact]
    public async Task Fit_OnCdnowImportedThroughIngestion_ReproducesPublishedEstimates()
    {
        var fit = await cdnow.FitAsync();

        Assert.Equal(2357, fit.GetProperty("customers").GetInt32());
        Assert.True(fit.GetProperty("status").GetString() == "converged", fit.GetRawText());
        Assert.Equal(JsonValueKind.Null, fit.GetProperty("reason").ValueKind);
        var bg = fit.GetProperty("bgNbd");
        Assert.InRange(bg.GetProperty("r").GetDouble(), 0.243 - 0.005, 0.243 + 0.005);
        Assert.InRange(bg.GetProperty("alpha").GetDouble(), 4.414 - 0.005, 4.414 + 0.005);
        Assert.InRange(bg.GetProperty("a").GetDouble(), 0.793 - 0.005, 0.793 + 0.005);
        Assert.InRange(bg.GetProperty("b").GetDouble(), 2.426 - 0.005, 2.426 + 0.005);
        Assert.InRange(bg.GetProperty("logLikelihood").GetDouble(), -9582.4 - 0.1, -9582.4 + 0.1);
        var gg = fit.GetProperty("gammaGamma");
        Assert.Equal(946, gg.GetProperty("customers").GetInt32());
        Assert.InRange(gg.GetProperty("p").GetDouble(), 6.25 - 0.02, 6.25 + 0.02);
        Assert.InRange(gg.GetProperty("q").GetDouble(), 3.74 - 0.02, 3.74 + 0.02);
        Assert.InRange(gg.GetProperty("gamma").GetDouble(), 15.44 - 0.02, 15.44 + 0.02);

        // Stored with its inputs: readable again by id.
        var stored = await cdnow.Client.GetFromJsonAsync<JsonElement>($"/v1/models/fits/{fit.GetProperty("id").GetGuid()}");
        Assert.Equal("1997-09-30", stored.GetProperty("calibrationEnd").GetString());
        Assert.Equal("week", stored.GetProperty("timeUnit").GetString());
        Assert.Equal(bg.GetProperty("r").GetDouble(), stored.GetProperty("bgNbd").GetProperty("r").GetDouble());
    }

    [Fact]
    public async Task ScoreRun_AsOfCalibrationEnd_GivesThePapersConditionalExpectation()
    {
        var fit = await cdnow.FitAsync();
        var settings = await cdnow.Client.GetFromJsonAsync<JsonElement>("/v1/scores/settings");
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        changed["clvHorizonDays"] = JsonSerializer.SerializeToElement(273); // 39 weeks, the paper's example horizon
        changed["topTierShare"] = JsonSerializer.SerializeToElement(0.1);
        changed["middleTierShare"] = JsonSerializer.SerializeToElement(0.4);
        (await cdnow.Client.PutAsJsonAsync("/v1/scores/settings", changed)).EnsureSuccessStatusCode();

        var run = await cdnow.ScoreAsync(new { asOf = "1997-09-30T23:59:59Z", modelFitId = fit.GetProperty("id").GetGuid() });

        Assert.Equal(2357, run.GetProperty("customersScored").GetInt32());
        Assert.Equal(273, run.GetProperty("settings").GetProperty("clvHorizonDays").GetInt32());
        // Customer 0001: x = 2, t_x = 30.43, T = 38.86 weeks; the paper expects 1.226 purchases in the next 39 weeks.
        var profile = await cdnow.Client.GetFromJsonAsync<JsonElement>($"/v1/profiles/{DeterministicGuid.ForCustomer("cdnow", "0001")}");
        var scores = profile.GetProperty("scores");
        Assert.InRange(scores.GetProperty("expectedPurchases").GetDouble(), 1.226 - 0.01, 1.226 + 0.01);
        Assert.InRange(scores.GetProperty("probabilityAlive").GetDouble(), 0, 1);
        Assert.True(scores.GetProperty("clv").GetDouble() > 0);
        Assert.NotEqual(JsonValueKind.Null, scores.GetProperty("churnRisk").ValueKind);

        // Every buyer has RFM quintiles 1-5; tiers split the valued customers about 10 / 40 / 50.
        Assert.Equal(0L, await cdnow.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE recency_score NOT BETWEEN 1 AND 5 OR recency_score IS NULL"));
        var top = await cdnow.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE value_tier = 'top'");
        var middle = await cdnow.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE value_tier = 'middle'");
        Assert.InRange(top, 200, 236);
        Assert.InRange(top + middle, 1100, 1179);
        Assert.Equal(0L, await cdnow.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE p_alive NOT BETWEEN 0 AND 1 OR p_alive IS NULL"));
    }

    [Fact]
    public async Task Snapshot_OfASegment_IsPublishedInBatchesAndNeverChanges()
    {
        await cdnow.ScoreAsync(new { });
        await cdnow.VirtualHost.ListenAsync("Platform.Contracts.Segmentation:SegmentSnapshotCreated", "test-snapshots");
        await cdnow.VirtualHost.ListenAsync("Platform.Contracts.Segmentation:SegmentSnapshotMembersAdded", "test-snapshot-members");
        var rule = new { or = new object[] { new { field = "value_tier", op = "in", value = TopAndMiddle }, new { field = "orders_count", op = "gte", value = 3 } } };

        var preview = await cdnow.Client.PostAsJsonAsync("/v1/segments/preview", new { rule });
        Assert.True(preview.IsSuccessStatusCode, await preview.Content.ReadAsStringAsync());
        var statistics = (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statistics");
        var size = statistics.GetProperty("size").GetInt64();
        Assert.True(size > 1000, $"{size} members");
        Assert.Equal(size, await cdnow.ScalarAsync<long>(
            "SELECT count(*) FROM customer_scores s JOIN customer_purchases u USING (customer_id) WHERE s.value_tier IN ('top', 'middle') OR u.orders_count >= 3"));
        Assert.True(statistics.GetProperty("revenueShare").GetDouble() > 0.5);

        var created = await cdnow.Client.PostAsJsonAsync("/v1/segments", new { name = "best and frequent " + Guid.NewGuid().ToString("N")[..6], rule });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var snapshotResponse = await cdnow.Client.PostAsJsonAsync($"/v1/segments/{segmentId}/snapshots", new { purpose = "spring-mailing" });
        Assert.Equal(HttpStatusCode.Created, snapshotResponse.StatusCode);
        var snapshot = await snapshotResponse.Content.ReadFromJsonAsync<JsonElement>();
        var snapshotId = snapshot.GetProperty("id").GetGuid();
        Assert.Equal(size, snapshot.GetProperty("memberCount").GetInt32());

        // The event and ceil(size / 1,000) member batches reach the broker; together the batches carry every member once.
        var batches = (int)((size + 999) / 1000);
        await Eventually.TrueAsync(async () => await cdnow.VirtualHost.MessagesReadyAsync("test-snapshot-members") == batches && await cdnow.VirtualHost.MessagesReadyAsync("test-snapshots") == 1,
            "the snapshot event and its member batches on the broker");
        var createdEvent = Assert.Single(await cdnow.VirtualHost.TakeAsync("test-snapshots", 10));
        Assert.Contains(snapshotId.ToString(), createdEvent, StringComparison.Ordinal);
        var members = new HashSet<Guid>();
        foreach (var body in await cdnow.VirtualHost.TakeAsync("test-snapshot-members", batches + 5))
        {
            foreach (var m in JsonDocument.Parse(body).RootElement.GetProperty("message").GetProperty("members").EnumerateArray())
            {
                Assert.True(members.Add(m.GetProperty("customerId").GetGuid()));
            }
        }

        Assert.Equal(size, members.Count);

        // Rescoring with other tier shares changes the segment, not the snapshot; the database refuses edits.
        var settings = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>((await cdnow.Client.GetFromJsonAsync<JsonElement>("/v1/scores/settings")).GetRawText())!;
        settings["topTierShare"] = JsonSerializer.SerializeToElement(0.3);
        (await cdnow.Client.PutAsJsonAsync("/v1/scores/settings", settings)).EnsureSuccessStatusCode();
        await cdnow.ScoreAsync(new { });
        var report = await cdnow.Client.GetFromJsonAsync<JsonElement>($"/v1/segments/{segmentId}/report");
        Assert.NotEqual(size, report.GetProperty("statistics").GetProperty("size").GetInt64());
        Assert.Equal(size, await cdnow.ScalarAsync<long>("SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId)));
        await Assert.ThrowsAsync<PostgresException>(() => cdnow.ScalarAsync<object>("UPDATE segment_snapshot_members SET value_tier = 'top' WHERE snapshot_id = @id", ("id", snapshotId)));
        await Assert.ThrowsAsync<PostgresException>(() => cdnow.ScalarAsync<object>("DELETE FROM segment_snapshot_members WHERE snapshot_id = @id", ("id", snapshotId)));
        var page = await cdnow.Client.GetFromJsonAsync<JsonElement>($"/v1/snapshots/{snapshotId}/members?limit=5");
        Assert.Equal(5, page.GetProperty("items").GetArrayLength());
        // The next page follows on from the last member shown.
        var next = await cdnow.Client.GetFromJsonAsync<JsonElement>(page.GetProperty("next").GetString());
        Assert.True(string.CompareOrdinal(
            page.GetProperty("items")[4].GetProperty("customerId").GetString(), next.GetProperty("items")[0].GetProperty("customerId").GetString()) < 0);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Campaigns.Features.Dispatch;
using Platform.Data;
using Platform.Testing;
using Segmentation.Features.Scoring;
using Xunit.Abstractions;

namespace EndToEnd.Replicas;

/// <summary>
/// Two instances of every service behind the gateway, and one of each killed (SIGKILL) in the middle of the work:
/// a bulk import, a scoring run and a segment snapshot, a campaign whose channel plan has a second step days later on
/// the simulated clock. Nothing is lost or doubled (counts and sums agree across the services, every contact is made
/// once, every scheduled step ran once), and the gateway answers throughout (its probe saw no 5xx).
/// </summary>
public sealed class ReplicasTests(ReplicatedPlatform platform, ITestOutputHelper output) : IClassFixture<ReplicatedPlatform>, IAsyncLifetime
{
    private const string Source = "bulk";
    private readonly HttpClient _client = platform.Client();

    public Task InitializeAsync() => platform.RestartKilledAsync(); // a test that failed half-way leaves none dead for the next

    public Task DisposeAsync()
    {
        output.WriteLine($"gateway probe: {platform.Probes} requests, {platform.ProbeFailures.Count} failed");
        foreach (var failure in platform.ProbeFailures)
        {
            output.WriteLine(failure);
        }

        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABulkImport_WhoseInstanceIsKilled_IsFinishedByTheOther_AndEveryRowReachesSegmentationAndMeasurementOnce()
    {
        const int Rows = 40_000;
        const int Customers = 8_000;
        var (csv, total) = TransactionsCsv(Rows, Customers, "first");
        var importId = await UploadAsync(csv, Rows, total);

        // Kill the Ingestion instance that runs the import once it has committed a chunk (of four), and a Segmentation
        // instance while it consumes the import's events. The test holds the erasure lock exclusively meanwhile (every
        // chunk takes it shared), so the import waits, running, at its next chunk until the kill.
        var owner = await JobOwnerAsync("Ingestion", "ingestion.import", after: async () =>
            await platform.ScalarAsync<long>("Ingestion", "SELECT count(*) FROM import_chunks WHERE import_id = @importId", new { importId }) >= 1);
        var killed = platform.IndexOf("Ingestion", owner) ?? throw new InvalidOperationException($"no Ingestion instance has pid {owner}");
        await using (await AdvisoryLockGate.CloseAsync(platform.Databases["Ingestion"], ErasureLock.LockKey))
        {
            Assert.True(await ImportStatusAsync(importId) != "completed", "the import ended before the kill: make it longer");
            platform.Kill("Ingestion", killed);
            platform.Kill("Segmentation", 1);
        }

        var finished = await Eventually.ValueAsync(async () =>
        {
            var r = await _client.GetFromJsonAsync<JsonElement>($"/ingestion/v1/imports/{importId}");
            return r.GetProperty("status").GetString() is "completed" or "failed" ? r.GetRawText() : null;
        }, "the import finished by the surviving instance", TimeSpan.FromMinutes(3));
        using var report = JsonDocument.Parse(finished);
        Assert.True(report.RootElement.GetProperty("status").GetString() == "completed", finished);
        Assert.Equal(Rows, report.RootElement.GetProperty("rowsNew").GetInt64());
        Assert.Equal(0, report.RootElement.GetProperty("errorCount").GetInt64());
        // The import's status commits with its last chunk; the scheduler records the run's outcome just after, in its
        // own transaction: wait for that record before counting.
        const string RunsSql = """
            SELECT r.outcome, count(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id
            WHERE j.kind = 'ingestion.import' AND j.payload->>'importId' = @id GROUP BY r.outcome
            """;
        var runs = await Eventually.ValueAsync(async () =>
        {
            var found = await platform.QueryAsync<(string Outcome, long Count)>("Ingestion", RunsSql, new { id = importId.ToString() });
            return found.Any(r => r.Outcome == "succeeded") ? found : null;
        }, "the import job's succeeded run recorded");
        Assert.Equal(1, runs.Where(r => r.Outcome == "succeeded").Sum(r => r.Count));

        await platform.RestartAsync("Ingestion", killed);
        await platform.RestartAsync("Segmentation", 1);
        await AssertPurchasesEverywhereAsync();
        Assert.Empty(platform.ProbeFailures);
    }

    [Fact]
    public async Task AScoringRunAndASnapshot_WhoseInstanceIsKilled_CompleteOnce_OnTheOther()
    {
        await EnsurePurchasesAsync();
        var profiles = await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_profiles");

        // A scoring run: the instance whose scheduler took it is killed while it runs (before its one transaction commits:
        // the test holds the scoring lock meanwhile, so the run waits for it, running, however quick it would be).
        Guid runId;
        await using (await AdvisoryLockGate.CloseAsync(platform.Databases["Segmentation"], ScoringRunner.LockKey))
        {
            var posted = await _client.PostAsJsonAsync("/segmentation/v1/scores/runs", new { });
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
            runId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var id = runId;
            var owner = await JobOwnerAsync("Segmentation", "segmentation.scoring-run", payloadId: ("runId", id));
            var index = platform.IndexOf("Segmentation", owner) ?? throw new InvalidOperationException($"no Segmentation instance has pid {owner}");
            platform.Kill("Segmentation", index);
            Assert.NotEqual("completed", await platform.ScalarAsync<string>("Segmentation", "SELECT status FROM score_runs WHERE id = @id", new { id }));
            await platform.RestartAsync("Segmentation", index);
        }

        var run = await Eventually.ValueAsync(async () =>
        {
            var r = await _client.GetFromJsonAsync<JsonElement>($"/segmentation/v1/scores/runs/{runId}");
            return r.GetProperty("status").GetString() is "completed" or "failed" ? r.GetRawText() : null;
        }, "the scoring run completed by the other instance", TimeSpan.FromMinutes(2));
        Assert.Contains("\"status\":\"completed\"", run, StringComparison.Ordinal);
        Assert.Equal(profiles, await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_scores WHERE run_id = @runId", new { runId }));
        Assert.Equal(profiles, await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_scores"));
        Assert.Equal(1L, await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM score_runs WHERE id = @runId AND run_number IS NOT NULL", new { runId }));
        // The run's status commits before the scheduler records the attempt's outcome: wait for the successful one.
        var outcomes = await Eventually.ValueAsync(async () =>
        {
            var found = await platform.QueryAsync<string>("Segmentation", """
                SELECT r.outcome FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.payload->>'runId' = @id ORDER BY r.started_at
                """, new { id = runId.ToString() });
            return found.Contains("succeeded") ? found : null;
        }, "the scoring job's succeeded attempt recorded");
        Assert.Equal(["abandoned", "succeeded"], outcomes);

        // A snapshot of every buyer through the gateway, and an instance of Segmentation killed as soon as it is taken
        // (its outbox relay may be publishing the member batches: the other relay publishes what is left). The snapshot
        // made by command at a campaign's launch is killed in the campaign test.
        var segment = await _client.PostAsJsonAsync("/segmentation/v1/segments", new { name = "buyers", rule = new { field = "orders_count", op = "gte", value = 1 } });
        Assert.True(segment.IsSuccessStatusCode, await segment.Content.ReadAsStringAsync());
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var buyers = await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_purchases WHERE orders_count >= 1");
        var snapshot = await _client.PostAsJsonAsync($"/segmentation/v1/segments/{segmentId}/snapshots", new { purpose = "replicas" });
        platform.Kill("Segmentation", 0);
        Assert.True(snapshot.IsSuccessStatusCode, await snapshot.Content.ReadAsStringAsync());
        var snapshotId = (await snapshot.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(buyers, await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM segment_snapshot_members WHERE snapshot_id = @snapshotId", new { snapshotId }));
        await platform.RestartAsync("Segmentation", 0);
        Assert.Empty(platform.ProbeFailures);
    }

    [Fact]
    public async Task ARunningCampaign_WithAMailThenCallPlan_ContactsEveryMemberOncePerStep_ThoughAnInstanceOfEachServiceIsKilled()
    {
        const int Members = 1_500;
        using var mailHouse = new WebhookSink();
        using var callCentre = new WebhookSink();
        var source = "campaign";
        var batch = Enumerable.Range(1, Members).Select(i => new
        {
            source,
            externalId = i.ToString(CultureInfo.InvariantCulture),
            email = $"c{i}@replicas.example",
            phone = $"+4930{i:D7}",
            consents = new Dictionary<string, object> { ["email"] = new { granted = true }, ["phone"] = new { granted = true } },
        }).ToList();
        (await _client.PostAsJsonAsync("/ingestion/v1/customers/batch", batch)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM customers WHERE consent_phone") >= Members
                                               && await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_profiles WHERE consent_phone") >= Members,
            "the customers in Campaigns and Segmentation", TimeSpan.FromMinutes(2));
        (await _client.PutAsJsonAsync("/campaigns/v1/channels/email", new { mode = "webhook", url = mailHouse.Url, secret = "replicas-secret-0123456789abcdef" })).EnsureSuccessStatusCode();
        (await _client.PutAsJsonAsync("/campaigns/v1/channels/outbound_call", new { mode = "webhook", url = callCentre.Url, secret = "replicas-secret-0123456789abcdef" })).EnsureSuccessStatusCode();
        var segment = await _client.PostAsJsonAsync("/segmentation/v1/segments", new { name = "reachable by phone", rule = new { field = "consent_phone", op = "eq", value = true } });
        Assert.True(segment.IsSuccessStatusCode, await segment.Content.ReadAsStringAsync());
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var design = new
        {
            code = "REPLICAS",
            name = "mail, then a call three days later",
            objective = "retention",
            segmentId,
            responseWindowDays = 14,
            currency = "USD",
            controlShare = 0.2,
            cells = new[]
            {
                new
                {
                    code = "mail_call",
                    share = 0.8,
                    steps = new object[]
                    {
                        new { channel = "email", dayOffset = 0, condition = "always", costPerContact = 0.02m },
                        new { channel = "outbound_call", dayOffset = 3, condition = "no_response_yet", costPerContact = 1.5m },
                    },
                },
            },
        };
        var created = await Eventually.ValueAsync(async () =>
        {
            var response = await _client.PostAsJsonAsync("/campaigns/v1/campaigns", design);
            return response.StatusCode == HttpStatusCode.Created ? response : null;
        }, "the campaign accepted once the segment is known", TimeSpan.FromMinutes(1));
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Launch; kill a Segmentation instance while the snapshot is asked for, and the Campaigns instance that runs the
        // first step's dispatch, and a Measurement instance while it copies the assignments. The test holds the dispatch
        // lock meanwhile, so the step job waits, running, at its first chunk: a quick step cannot end before it is found.
        int killed;
        await using (await AdvisoryLockGate.CloseAsync(platform.Databases["Campaigns"], StepJobHandler.DispatchLock))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/campaigns/v1/campaigns/{campaignId}/launch", null)).StatusCode);
            platform.Kill("Segmentation", 0);
            var stepOwner = await JobOwnerAsync("Campaigns", "campaigns.dispatch-step", payloadId: ("campaignId", campaignId));
            killed = platform.IndexOf("Campaigns", stepOwner) ?? throw new InvalidOperationException($"no Campaigns instance has pid {stepOwner}");
            platform.Kill("Campaigns", killed);
            platform.Kill("Measurement", 1);
        }

        await platform.RestartAsync("Segmentation", 0);

        var treated = 0L;
        await Eventually.TrueAsync(async () =>
        {
            var contacts = await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM contacts WHERE campaign_id = @campaignId AND step = 1", new { campaignId });
            treated = await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM assignments WHERE campaign_id = @campaignId AND cell = 'mail_call'", new { campaignId });
            return treated > 0 && contacts == treated;
        }, "the first step's contacts made by the other instance", TimeSpan.FromMinutes(3));
        Assert.Equal(Members, await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM assignments WHERE campaign_id = @campaignId", new { campaignId }));
        await platform.RestartAsync("Campaigns", killed);
        await platform.RestartAsync("Measurement", 1);

        // Three days later on every clock: the second step (calls) falls due; its runner is killed too.
        int callKilled;
        await using (await AdvisoryLockGate.CloseAsync(platform.Databases["Campaigns"], StepJobHandler.DispatchLock))
        {
            var now = await platform.NowAsync();
            await platform.AdvanceClocksAsync(now.AddDays(3).AddHours(1));
            var callOwner = await JobOwnerAsync("Campaigns", "campaigns.dispatch-step", payloadId: ("campaignId", campaignId), step: 2);
            callKilled = platform.IndexOf("Campaigns", callOwner) ?? throw new InvalidOperationException($"no Campaigns instance has pid {callOwner}");
            platform.Kill("Campaigns", callKilled);
        }

        await Eventually.TrueAsync(async () =>
            await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM contacts WHERE campaign_id = @campaignId AND step = 2", new { campaignId }) == treated,
            "the second step's contacts made by the other instance", TimeSpan.FromMinutes(3));
        await platform.RestartAsync("Campaigns", callKilled);

        // Each contact once per step in Campaigns' ledger, all dispatched; each at its channel once (a webhook post may be
        // repeated after a kill, but only as the same delivery, which the receiver recognizes by its id).
        foreach (var step in new[] { 1, 2 })
        {
            Assert.Equal(treated, await platform.ScalarAsync<long>("Campaigns",
                "SELECT count(DISTINCT customer_id) FROM contacts WHERE campaign_id = @campaignId AND step = @step AND status = 'dispatched'", new { campaignId, step }));
        }

        await Eventually.TrueAsync(() => Task.FromResult(Delivered(mailHouse).Count == treated && Delivered(callCentre).Count == treated),
            "every contact at its channel's webhook", TimeSpan.FromMinutes(2));
        Assert.All(Delivered(mailHouse).Concat(Delivered(callCentre)), c => Assert.Single(c.Value));
        Assert.Empty(await platform.QueryAsync<Guid>("Campaigns", """
            SELECT customer_id FROM assignments WHERE campaign_id = @campaignId AND cell <> 'mail_call'
            INTERSECT SELECT customer_id FROM contacts WHERE campaign_id = @campaignId AND status = 'dispatched'
            """, new { campaignId }));

        // Every scheduled step job ran to success once (attempts cut by a kill are 'abandoned', never a second success).
        // The last contacts commit before the scheduler records the step job's outcome: wait until both jobs ended.
        var stepJobs = await Eventually.ValueAsync(async () =>
        {
            var found = await platform.QueryAsync<(Guid Id, string Status, long Succeeded, long Abandoned)>("Campaigns", """
                SELECT j.id, j.status, count(*) FILTER (WHERE r.outcome = 'succeeded'), count(*) FILTER (WHERE r.outcome = 'abandoned')
                FROM jobs j LEFT JOIN job_runs r ON r.job_id = j.id
                WHERE j.kind = 'campaigns.dispatch-step' AND j.payload->>'campaignId' = @id GROUP BY j.id, j.status
                """, new { id = campaignId.ToString() });
            return found.Count == 2 && found.All(j => j.Status is "succeeded" or "dead") ? found : null;
        }, "both step jobs ended");
        Assert.Equal(2, stepJobs.Count);
        Assert.All(stepJobs, j => Assert.True(j.Status == "succeeded" && j.Succeeded == 1, $"step job {j.Id}: {j.Status}, {j.Succeeded} successful runs"));
        Assert.All(stepJobs, j => Assert.True(j.Abandoned >= 1, $"step job {j.Id}: the kill did not cut a run of it")); // the kills hit running steps

        // Measurement holds the same members and contacts as Campaigns, each once.
        var contactsInCampaigns = await platform.ScalarAsync<long>("Campaigns", "SELECT count(*) FROM contacts WHERE campaign_id = @campaignId AND status = 'dispatched'", new { campaignId });
        await Eventually.TrueAsync(async () =>
            await platform.ScalarAsync<long>("Measurement", "SELECT count(*) FROM members WHERE campaign_id = @campaignId", new { campaignId }) == Members
            && await platform.ScalarAsync<long>("Measurement", "SELECT count(*) FROM contacts WHERE campaign_id = @campaignId AND status = 'dispatched'", new { campaignId }) == contactsInCampaigns,
            "Measurement's copies of the members and contacts", TimeSpan.FromMinutes(2));
        Assert.Equal(treated * 2, contactsInCampaigns);
        Assert.Empty(platform.ProbeFailures);
    }

    /// <summary>Contacts received at a webhook: customer and step, to the delivery ids that carried them.</summary>
    private static Dictionary<(Guid Customer, int Step), HashSet<Guid>> Delivered(WebhookSink sink)
    {
        var delivered = new Dictionary<(Guid, int), HashSet<Guid>>();
        foreach (var post in sink.Posts)
        {
            using var body = JsonDocument.Parse(post.Body);
            var delivery = body.RootElement.GetProperty("deliveryId").GetGuid();
            var step = body.RootElement.GetProperty("step").GetInt32();
            foreach (var contact in body.RootElement.GetProperty("contacts").EnumerateArray())
            {
                var key = (contact.GetProperty("customerId").GetGuid(), step);
                if (!delivered.TryGetValue(key, out var ids))
                {
                    delivered[key] = ids = [];
                }

                ids.Add(delivery);
            }
        }

        return delivered;
    }

    // Purchases for the scoring test when it runs alone (the import test leaves its own).
    private async Task EnsurePurchasesAsync()
    {
        if (await platform.ScalarAsync<long>("Segmentation", "SELECT count(*) FROM customer_purchases") > 0)
        {
            return;
        }

        var (csv, total) = TransactionsCsv(20_000, 8_000, "scoring");
        var importId = await UploadAsync(csv, 20_000, total);
        await Eventually.TrueAsync(async () => await ImportStatusAsync(importId) == "completed", "the import", TimeSpan.FromMinutes(3));
        await AssertPurchasesEverywhereAsync();
    }

    // Segmentation and Measurement hold every order uploaded once: counts and sums as the files have them.
    private async Task AssertPurchasesEverywhereAsync()
    {
        var (rows, total) = platform.Uploaded;
        const string Segmentation = "SELECT coalesce(sum(orders_count), 0) AS Count, coalesce(sum(net_revenue), 0) AS Net FROM customer_purchases";
        const string Measurement = "SELECT count(*) AS Count, coalesce(sum(net_amount), 0) AS Net FROM purchases";
        (long Count, decimal Net) expected = (rows, total);
        await Eventually.TrueAsync(async () =>
            (await platform.QueryAsync<(long Count, decimal Net)>("Segmentation", Segmentation)).Single() == expected
            && (await platform.QueryAsync<(long Count, decimal Net)>("Measurement", Measurement)).Single() == expected,
            $"Segmentation and Measurement to hold {rows} orders worth {total}", TimeSpan.FromMinutes(3));
        Assert.Equal(expected, (await platform.QueryAsync<(long Count, decimal Net)>("Segmentation", Segmentation)).Single());
        Assert.Equal(expected, (await platform.QueryAsync<(long Count, decimal Net)>("Measurement", Measurement)).Single());
    }

    // A transactions file: order i of customer i % customers, amounts 1.00 .. 99.99, in 2025 (before the simulated now).
    private static (string Csv, decimal Total) TransactionsCsv(int rows, int customers, string prefix)
    {
        var csv = new StringBuilder("source,order_id,customer_external_id,occurred_at,gross_amount,quantity\n");
        var total = 0m;
        for (var i = 0; i < rows; i++)
        {
            var amount = 1m + (i * 37 % 9_899) / 100m;
            total += amount;
            var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 13 % 500_000);
            csv.Append(CultureInfo.InvariantCulture, $"{Source},{prefix}-{i},{prefix}-c{i % customers},{at:yyyy-MM-ddTHH:mm:ssZ},{amount},1\n");
        }

        return (csv.ToString(), total);
    }

    private async Task<Guid> UploadAsync(string csv, long rows, decimal total)
    {
        using var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var upload = await _client.PostAsync("/ingestion/v1/imports?kind=transactions&createCustomers=true&currency=USD", content);
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        platform.Uploaded = (platform.Uploaded.Rows + rows, platform.Uploaded.Total + total);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
    }

    private async Task<string> ImportStatusAsync(Guid importId) =>
        (await _client.GetFromJsonAsync<JsonElement>($"/ingestion/v1/imports/{importId}")).GetProperty("status").GetString()!;

    /// <summary>
    /// The process id of the instance running a job of <paramref name="kind"/> (optionally the one whose payload has
    /// <paramref name="payloadId"/>, and of a step), once it runs and <paramref name="after"/> holds.
    /// </summary>
    private async Task<int> JobOwnerAsync(string service, string kind, (string Field, Guid Value)? payloadId = null, int? step = null, Func<Task<bool>>? after = null)
    {
        // Polled every 20 ms (not Eventually's growing interval): a short job must be caught while it runs.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (await timer.WaitForNextTickAsync())
        {
            var owners = await platform.QueryAsync<string>(service, """
                SELECT lease_owner FROM jobs
                WHERE kind = @kind AND status = 'running' AND lease_owner IS NOT NULL
                  AND (@field::text IS NULL OR payload->>@field = @value)
                  AND (@step::int IS NULL OR (payload->>'step')::int = @step)
                """, new { kind, field = payloadId?.Field, value = payloadId?.Value.ToString(), step });
            if (owners.Count > 0 && (after is null || await after()))
            {
                return int.Parse(owners[0].Split('/')[1], CultureInfo.InvariantCulture);
            }

            Assert.True(DateTime.UtcNow < deadline, $"no running {kind} job in {service} within 2 minutes");
        }

        throw new InvalidOperationException("the timer stopped");
    }
}

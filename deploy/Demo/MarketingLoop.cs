using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Demo.Generation;
using Demo.Platform;
using Demo.Reporting;
using Demo.Simulation;
using Platform.Data;

namespace Demo;

/// <summary>
/// The whole marketing loop against a running platform, through its gateway: a customer base with known truth is
/// generated and imported, lifetime models are fitted and everyone scored as of the end of the history, segments are
/// made, a retention and an acquisition campaign run on the simulated clock while the channel simulator answers every
/// contact, and the results are read and set against the truth.
/// </summary>
public static class MarketingLoop
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly string[] HighTiers = ["top", "middle"];
    private static readonly string[] AtRisk = ["medium", "high"];
    private static readonly string[] JobStatuses = ["running", "queued"];
    private static readonly string[] FitParameters = ["bgNbd", "gammaGamma"];

    /// <summary>Runs the loop; the outcome holds measured figures, truths and the report (also written to <see cref="DemoOptions.Output"/>).</summary>
    public static async Task<DemoOutcome> RunAsync(DemoOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(options.TimeBudget);
        ct = budget.Token;
        var watch = Stopwatch.StartNew();
        var output = options.Output ?? TextWriter.Null;
        void Say(string line) => output.WriteLine($"[demo {watch.Elapsed:mm\\:ss}] {line}");

        using var http = new HttpClient { BaseAddress = options.Gateway, Timeout = TimeSpan.FromMinutes(3) };
        var client = new PlatformClient(http, options.AdminKey);
        var clocks = new ServiceClocks(client);
        var simulation = options.Simulation;

        // Keys: an ingest key for the data, a marketer key for the rest (the gateway's key management, when it has one).
        client.IngestKey = await client.CreateKeyAsync("demo ingest", "ingest", ct);
        client.MarketerKey = await client.CreateKeyAsync("demo marketer", "marketer", ct);
        Say("created an ingest and a marketer key with the admin key");

        // The end of history: the next midnight after the latest service clock; every clock moves there first, so the
        // imported orders lie in each service's past.
        var latest = await clocks.LatestAsync(ct);
        var historyEnd = new DateTimeOffset(latest.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        await clocks.AdvanceAsync(historyEnd, ct);
        var tag = $"demo{historyEnd:yyMMdd}{Random.Shared.Next(0x1000, 0xFFFF):x4}";
        var customerSource = "crm-" + tag;
        var orderSource = "shop-" + tag;
        Say($"simulated clocks of {string.Join(", ", ServiceClocks.Services)} set to {historyEnd:yyyy-MM-dd HH:mm} UTC, the end of the generated history (run {tag})");

        // 1. The customer base with known truth, imported through the gateway.
        var parameters = options.Generator with { Customers = options.Customers, Prospects = options.Prospects, Seed = options.Seed };
        var customerBase = CustomerBaseGenerator.Generate(parameters);
        var byId = customerBase.Everyone.ToDictionary(c => DeterministicGuid.ForCustomer(customerSource, c.ExternalId));
        var netTotal = customerBase.Customers.Sum(c => c.Orders.Sum(o => o.Net));
        Say($"1) generated {customerBase.Customers.Count:N0} customers with {customerBase.OrderCount:N0} orders over {parameters.HistoryDays} days "
            + $"({Mix(customerBase.Customers)}; {customerBase.Customers.Count(c => c.AliveAtEnd):N0} still alive) and {customerBase.Prospects.Count:N0} prospects ({Mix(customerBase.Prospects)})");
        var folder = Directory.CreateTempSubdirectory("platform-demo-");
        try
        {
            var customersCsv = Path.Combine(folder.FullName, "customers.csv");
            var ordersCsv = Path.Combine(folder.FullName, "orders.csv");
            await using (var writer = new StreamWriter(customersCsv, false, PlatformClient.Utf8))
            {
                CustomerBaseCsv.WriteCustomers(writer, customerBase, customerSource, tag, historyEnd);
            }

            await using (var writer = new StreamWriter(ordersCsv, false, PlatformClient.Utf8))
            {
                CustomerBaseCsv.WriteOrders(writer, customerBase, orderSource, customerSource, historyEnd);
            }

            await ImportAsync(client, "kind=customers", customersCsv, customerBase.Everyone.Count(), Say, ct);
            await ImportAsync(client, $"kind=transactions&currency={DemoPlan.Currency}", ordersCsv, customerBase.OrderCount, Say, ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var everyone = Rule("acquisition_campaign", "eq", tag);
        var expectedMembers = customerBase.Customers.Count + customerBase.Prospects.Count;
        await UntilAsync(async () =>
        {
            var preview = await client.PostAsync("/segmentation/v1/segments/preview", new { rule = everyone }, ct);
            var statistics = preview.GetProperty("statistics");
            return statistics.GetProperty("size").GetInt64() == expectedMembers && statistics.GetProperty("revenue").GetDecimal() >= netTotal - 0.005m;
        }, "Segmentation to hold every customer and order", TimeSpan.FromMinutes(3), ct);
        Say($"   Segmentation holds all {expectedMembers:N0} customers and prospects and {netTotal:N2} {DemoPlan.Currency} of net revenue");

        // 2. Lifetime models fitted and everyone scored as of the end of history; segments.
        var calibrationEnd = historyEnd.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var fit = await client.PostAsync("/segmentation/v1/models/fits", new { calibrationEnd, timeUnit = "week" }, ct);
        Say($"2) BG/NBD + Gamma-Gamma fitted to {calibrationEnd} ({fit.GetProperty("status").GetString()}): {Describe(fit)}");
        var fitId = fit.GetProperty("id").GetGuid();
        await ScoreAsync(client, fitId, ct);
        Say($"   every customer scored with it as of {historyEnd:yyyy-MM-dd} (P(alive), expected purchases, CLV, churn risk, RFM, value tiers, deal seekers)");
        var segments = new Dictionary<string, (Guid Id, long Size)>(StringComparer.Ordinal);
        foreach (var (key, name, rule) in new (string, string, object)[]
        {
            ("top", "Top 10% by value", And(everyone, Rule("value_tier", "eq", "top"))),
            ("at_risk", "High-value customers at risk", And(everyone, Rule("value_tier", "in", HighTiers), Rule("churn_risk", "in", AtRisk))),
            ("deal_seekers", "Deal seekers", And(everyone, Rule("deal_seeker", "eq", true))),
            ("prospects", "Prospects from the partner list", And(everyone, Rule("lifecycle", "eq", "prospect"))),
        })
        {
            var segment = await client.PostAsync("/segmentation/v1/segments", new { name = $"{name} ({tag})", rule }, ct);
            var id = segment.GetProperty("id").GetGuid();
            var statistics = (await client.GetAsync($"/segmentation/v1/segments/{id}/report", ct)).GetProperty("statistics");
            segments[key] = (id, statistics.GetProperty("size").GetInt64());
            Say($"   segment \"{name}\": {statistics.GetProperty("size").GetInt64():N0} customers, {statistics.GetProperty("revenueShare").GetDouble():P1} of revenue");
        }

        // 3. Channels (webhooks to the demo's own listener, signed), contact policy, the two campaigns.
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        ChannelSimulator? simulator = null;
        var treatments = new Dictionary<string, IReadOnlyDictionary<string, Treatment>>(StringComparer.Ordinal);
        var unknownContacts = 0;
        using var listener = new WebhookListener(secret, contact =>
        {
            if (!byId.TryGetValue(contact.CustomerId, out var customer) || !treatments.TryGetValue(contact.CampaignCode, out var cells))
            {
                Interlocked.Increment(ref unknownContacts);
                return;
            }

            simulator!.OnContact(customer, contact.CampaignCode, cells.GetValueOrDefault(contact.Cell), contact.Channel, contact.OfferCode, (contact.At - historyEnd).TotalDays);
        });
        simulator = new ChannelSimulator(customerBase, simulation, options.Seed, DemoPlan.Horizon + 1);
        foreach (var channel in new[] { "direct_mail", "outbound_call" })
        {
            await client.PutAsync($"/campaigns/v1/channels/{channel}", new { mode = "webhook", url = listener.Url, secret }, ct);
        }

        var atRiskSize = segments["at_risk"].Size;
        var callCapacity = (int)Math.Max(20, Math.Ceiling(atRiskSize * 0.3 / 2.5));
        await client.PutAsync("/campaigns/v1/contact-policy", new
        {
            frequencyCaps = Array.Empty<object>(),
            quietHours = new Dictionary<string, object>(),
            timeZones = new { @default = "UTC" },
            dailyCapacity = new Dictionary<string, int> { ["outbound_call"] = callCapacity },
            globalControlShare = 0.0,
        }, ct);
        Say($"3) channels direct_mail and outbound_call -> webhooks at {listener.Url} (HMAC-signed); call centre capacity {callCapacity:N0} calls a day");

        var retentionCode = $"RET-{tag}".ToUpperInvariant();
        var acquisitionCode = $"ACQ-{tag}".ToUpperInvariant();
        treatments[retentionCode] = DemoPlan.RetentionCells;
        treatments[acquisitionCode] = DemoPlan.AcquisitionCells;
        var retentionId = await CreateCampaignAsync(client, DemoPlan.Retention(retentionCode, segments["at_risk"].Id, simulation.ResponseWindowDays), ct);
        var acquisitionId = await CreateCampaignAsync(client, DemoPlan.Acquisition(acquisitionCode, segments["prospects"].Id, simulation.ResponseWindowDays, simulation.DiscountValue), ct);
        var campaigns = new[] { (Id: retentionId, Code: retentionCode, Cells: DemoPlan.RetentionCells), (Id: acquisitionId, Code: acquisitionCode, Cells: DemoPlan.AcquisitionCells) };
        foreach (var campaign in campaigns)
        {
            await client.PostAsync($"/campaigns/v1/campaigns/{campaign.Id}/launch", null, ct);
        }

        var members = new Dictionary<Guid, List<SyntheticCustomer>>();
        foreach (var campaign in campaigns)
        {
            var view = await UntilValueAsync(async () =>
            {
                var c = await client.GetAsync($"/campaigns/v1/campaigns/{campaign.Id}", ct);
                var state = c.GetProperty("launchState").GetString();
                return state == "failed" ? throw new PlatformException($"launch of {campaign.Code} failed: {c.GetProperty("launchError")}") : state == "assigned" ? c : (JsonElement?)null;
            }, $"{campaign.Code} assigned", TimeSpan.FromMinutes(2), ct);
            members[campaign.Id] = await SnapshotMembersAsync(client, view.GetProperty("snapshotId").GetGuid(), byId, ct);
            Say($"   launched {campaign.Code}: {members[campaign.Id].Count:N0} members assigned to {string.Join(", ", campaign.Cells.Keys)}");
        }

        // 4. Time passes on every service's clock; the scheduler runs the steps, the simulator answers through the ingestion API.
        var poster = new EventPoster(client, customerSource, orderSource, DemoPlan.Currency);
        var nextReport = 7;
        var previous = 0;
        foreach (var day in DemoPlan.Stops)
        {
            // What happens up to a day ahead of the clocks may be sent before they move (Ingestion allows that), so the
            // responses are in Campaigns before the steps due at the new time decide on "no response yet".
            await poster.PostAsync(simulator.TakeDue(Math.Min(day, previous + 1)), historyEnd, ct);
            await clocks.AdvanceAsync(historyEnd.AddDays(day).AddMinutes(1), ct);
            await poster.PostAsync(simulator.TakeDue(day), historyEnd, ct);
            previous = day;
            await WaitForDueJobsAsync(client, clocks, ct);
            if (day >= nextReport || day == DemoPlan.Horizon)
            {
                Say($"4) day {day,2}: {listener.Contacts:N0} contacts received, {poster.Responses:N0} responses and {poster.Orders:N0} orders sent back");
                nextReport = day + 7;
            }
        }

        await poster.PostAsync(simulator.TakeDue(DemoPlan.Horizon), historyEnd, ct);

        // 5. Both campaigns completed (response windows closed); a scoring run so the acquired cohorts carry scores; results.
        foreach (var campaign in campaigns)
        {
            await UntilAsync(async () => (await client.GetAsync($"/measurement/v1/campaigns/{campaign.Id}/results", ct)).GetProperty("campaign").GetProperty("status").GetString() == "completed",
                $"{campaign.Code} completed in Measurement", TimeSpan.FromMinutes(2), ct);
        }

        // Orders and responses reach Segmentation and Measurement as events, some time after Ingestion accepted them (long
        // after, when their consumers queue behind each other): the scoring run and the results wait for every one sent.
        var simulatedNet = netTotal + poster.OrdersNet;
        var sent = Stopwatch.StartNew();
        async Task<TimeSpan> RecordedAfterAsync()
        {
            await RecordedAsync(client, historyEnd, poster, ct);
            return sent.Elapsed;
        }

        var recorded = RecordedAfterAsync(); // watched meanwhile: how far Measurement lags is worth showing
        await UntilAsync(async () =>
        {
            var preview = await client.PostAsync("/segmentation/v1/segments/preview", new { rule = everyone }, ct);
            return preview.GetProperty("statistics").GetProperty("revenue").GetDecimal() >= simulatedNet - 0.005m;
        }, "Segmentation to hold every order sent", TimeSpan.FromMinutes(3), ct);
        Say($"Segmentation held every order {sent.Elapsed.TotalSeconds:N1} s after the last was sent");
        Say($"Measurement had recorded every order and response {(await recorded).TotalSeconds:N1} s after the last was sent");
        await ScoreAsync(client, fitId, ct);
        var results = new Dictionary<Guid, JsonElement>();
        foreach (var campaign in campaigns)
        {
            results[campaign.Id] = await SettledResultsAsync(client, campaign.Id, options.Confidence, ct);
        }

        Say("5) both campaigns completed; results read from Measurement");
        var outcomes = campaigns.Select(c => ResultsReader.Read(results[c.Id], c.Cells, members[c.Id], simulation)).ToList();
        var outcome = new DemoOutcome(tag, historyEnd, customerBase.Customers.Count, customerBase.Prospects.Count, customerBase.OrderCount, poster.Orders,
            poster.Responses, outcomes, listener.Contacts, listener.BadSignatures, "", watch.Elapsed);
        var report = ReportWriter.Write(outcome, options.Gateway, unknownContacts, options.Confidence);
        output.WriteLine();
        output.Write(report);
        return outcome with { Report = report, Elapsed = watch.Elapsed };
    }

    private static async Task ImportAsync(PlatformClient client, string query, string csv, long rows, Action<string> say, CancellationToken ct)
    {
        var id = await client.ImportAsync(query, csv, ct);
        var import = await UntilValueAsync(async () =>
        {
            var status = await client.GetAsync($"/ingestion/v1/imports/{id}", ct);
            return status.GetProperty("status").GetString() switch
            {
                "completed" => status,
                "failed" => throw new PlatformException($"import {id} failed: {status}"),
                _ => (JsonElement?)null,
            };
        }, $"import {id}", TimeSpan.FromMinutes(3), ct);
        var rejected = import.GetProperty("rowsRejected").GetInt64();
        if (rejected > 0 || import.GetProperty("rowsAccepted").GetInt64() != rows)
        {
            throw new PlatformException($"import {id} rejected {rejected} of {rows} rows: {import}");
        }

        say($"   imported {rows:N0} rows through POST /ingestion/v1/imports?{query} in {import.GetProperty("durationSeconds")} s");
    }

    private static async Task ScoreAsync(PlatformClient client, Guid fitId, CancellationToken ct)
    {
        var run = await client.PostAsync("/segmentation/v1/scores/runs", new { modelFitId = fitId }, ct);
        var id = run.GetProperty("id").GetGuid();
        await UntilAsync(async () => (await client.GetAsync($"/segmentation/v1/scores/runs/{id}", ct)).GetProperty("status").GetString() switch
        {
            "completed" => true,
            "failed" => throw new PlatformException($"scoring run {id} failed"),
            _ => false,
        }, "the scoring run", TimeSpan.FromMinutes(2), ct);
    }

    private static async Task<Guid> CreateCampaignAsync(PlatformClient client, object design, CancellationToken ct)
    {
        // The segment reaches Campaigns' catalog as an event: until then the design is refused naming segmentId.
        var created = await UntilValueAsync(async () =>
        {
            try
            {
                return await client.PostAsync("/campaigns/v1/campaigns", design, ct);
            }
            catch (PlatformException e) when (e.Message.Contains("segmentId", StringComparison.Ordinal))
            {
                return (JsonElement?)null;
            }
        }, "the campaign accepted", TimeSpan.FromMinutes(1), ct);
        return created.GetProperty("id").GetGuid();
    }

    private static async Task<List<SyntheticCustomer>> SnapshotMembersAsync(PlatformClient client, Guid snapshotId, Dictionary<Guid, SyntheticCustomer> byId, CancellationToken ct)
    {
        var members = new List<SyntheticCustomer>();
        string? next = $"/segmentation/v1/snapshots/{snapshotId}/members?limit=1000";
        while (next is not null)
        {
            var page = await client.GetAsync(next, ct);
            foreach (var member in page.GetProperty("items").EnumerateArray())
            {
                members.Add(byId[member.GetProperty("customerId").GetGuid()]);
            }

            next = page.TryGetProperty("next", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
            if (next is not null && !next.StartsWith("/segmentation/", StringComparison.Ordinal))
            {
                next = "/segmentation" + next; // a service reached without the gateway's prefix header
            }
        }

        return members;
    }

    /// <summary>Waits until Campaigns has no job that is due by its clock and not finished (steps, deferrals, webhook deliveries).</summary>
    private static async Task WaitForDueJobsAsync(PlatformClient client, ServiceClocks clocks, CancellationToken ct) =>
        await UntilAsync(async () =>
        {
            var now = await clocks.ReadAsync("campaigns", ct);
            foreach (var status in JobStatuses)
            {
                var jobs = await client.AdminAsync("campaigns", HttpMethod.Get, $"/admin/jobs?status={status}&limit=500", null, ct);
                if (jobs.EnumerateArray().Any(j => status == "running" || j.GetProperty("dueAt").GetDateTimeOffset() <= now))
                {
                    return false;
                }
            }

            return true;
        }, "Campaigns' due jobs", TimeSpan.FromMinutes(5), ct);

    /// <summary>
    /// Waits until Measurement has recorded (and so attributed) every order and response the demo sent: its counts of the
    /// purchases and responses since the end of history (no one else writes in this run's simulated period) reach what
    /// the poster sent. Results that merely stay the same for a while can still be missing them: events wait for the
    /// attribution lock behind one another, for tens of seconds on a loaded machine.
    /// </summary>
    private static async Task RecordedAsync(PlatformClient client, DateTimeOffset historyEnd, EventPoster poster, CancellationToken ct)
    {
        var from = CustomerBaseCsv.Timestamp(historyEnd);
        await UntilAsync(async () =>
        {
            var counts = await client.GetAsync($"/measurement/v1/facts/counts?from={from}", ct);
            return counts.GetProperty("purchases").GetInt64() >= poster.Orders && counts.GetProperty("responses").GetInt64() >= poster.Responses;
        }, $"Measurement to record the {poster.Orders:N0} orders and {poster.Responses:N0} responses sent", TimeSpan.FromMinutes(3), ct);
    }

    /// <summary>
    /// The results once the rest has caught up too (contacts from Campaigns, completions, scores): the same counts three
    /// polls in a row. Called after <see cref="RecordedAsync"/>: equal readings alone do not show that nothing is pending.
    /// </summary>
    private static async Task<JsonElement> SettledResultsAsync(PlatformClient client, Guid campaignId, double confidence, CancellationToken ct)
    {
        string? last = null;
        var same = 0;
        return await UntilValueAsync(async () =>
        {
            var results = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/measurement/v1/campaigns/{campaignId}/results?confidence={confidence}"), ct);
            var fingerprint = string.Join(";", results.GetProperty("cells").EnumerateArray().Select(c =>
                $"{c.GetProperty("assigned")}/{c.GetProperty("responders")}/{c.GetProperty("converters")}/{c.GetProperty("orders")}/{c.GetProperty("perAssigned").GetProperty("revenue").GetProperty("value")}"))
                + (results.TryGetProperty("quality", out var q) ? q.ToString().Length.ToString(CultureInfo.InvariantCulture) : "");
            same = fingerprint == last ? same + 1 : 0;
            last = fingerprint;
            return same >= 3 ? results : (JsonElement?)null;
        }, "settled results", TimeSpan.FromMinutes(2), ct, TimeSpan.FromSeconds(1));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, CancellationToken ct) =>
        await UntilValueAsync(async () => await condition() ? true : (bool?)null, what, timeout, ct);

    private static async Task<T> UntilValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan timeout, CancellationToken ct, TimeSpan? interval = null)
        where T : struct
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(interval ?? Poll, ct);
        }
    }

    private static object Rule(string field, string op, object value) => new { field, op, value };

    private static Dictionary<string, object> And(params object[] nodes) => new Dictionary<string, object> { ["and"] = nodes };

    private static string Mix(IReadOnlyList<SyntheticCustomer> people) =>
        string.Join(", ", Enum.GetValues<CustomerType>().Select(t => $"{(double)people.Count(p => p.Type == t) / Math.Max(1, people.Count):P0} {Name(t)}"));

    /// <summary>A type as the report names it.</summary>
    public static string Name(CustomerType type) => type switch
    {
        CustomerType.Loyal => "loyal",
        CustomerType.Regular => "regular",
        _ => "deal-seeking",
    };

    private static string Describe(JsonElement fit)
    {
        var parts = new List<string>();
        foreach (var model in FitParameters)
        {
            if (fit.TryGetProperty(model, out var m) && m.ValueKind == JsonValueKind.Object)
            {
                parts.AddRange(m.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number && p.Name is "r" or "alpha" or "a" or "b" or "p" or "q" or "gamma")
                    .Select(p => $"{p.Name} = {p.Value.GetDouble():0.###}"));
            }
        }

        return string.Join(", ", parts);
    }
}

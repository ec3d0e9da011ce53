using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Testing;

namespace Benchmarks;

/// <summary>
/// The same work on one and on two instances of every service behind a gateway, in one run: each round gets fresh
/// databases and a fresh vhost, N processes per service and a gateway process balancing over them (what
/// <c>deploy/platform up --replicas N</c> runs). Measured through the gateway: a bulk import until Segmentation and
/// Measurement hold every order; single customer writes from 32 concurrent clients; a campaign launch until every
/// contact reached the webhook. Everything (services, gateway, PostgreSQL, RabbitMQ and this load generator) shares
/// the machine's cores: on 2 cores a second instance adds no CPU, only concurrency — the figures say what that buys.
/// </summary>
internal sealed class ReplicasBenchmark(BenchSettings settings)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Services = ["Ingestion", "Segmentation", "Campaigns", "Measurement"];
    private static readonly string[] KeyScopes = ["ingest", "marketer"];
    private const string VirtualHost = "bench-replicas";

    public async Task RunAsync(int rows, int writeSeconds, int members)
    {
        Console.WriteLine($"[bench] replicas: {Environment.ProcessorCount} cores; import {rows:N0} rows, {writeSeconds} s of single writes, a launch on {members:N0} members; 1 then 2 instances per service");
        var results = new List<(int Replicas, double ImportRowsPerSecond, double ConsumedRowsPerSecond, double WritesPerSecond, double P99Ms, double LaunchSeconds)>();
        foreach (var replicas in new[] { 1, 2 })
        {
            results.Add(await RoundAsync(replicas, rows, writeSeconds, members));
        }

        Console.WriteLine();
        Console.WriteLine("| instances per service | import (rows/s, file to committed) | import consumed by Segmentation and Measurement (rows/s) | single writes through the gateway (req/s, p99 ms) | launch to every contact at the webhook (s) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(Inv, $"| {r.Replicas} | {r.ImportRowsPerSecond:N0} | {r.ConsumedRowsPerSecond:N0} | {r.WritesPerSecond:N0} ({r.P99Ms:N0}) | {r.LaunchSeconds:N1} |"));
        }

        var (one, two) = (results[0], results[1]);
        Console.WriteLine(string.Create(Inv, $"[bench] two instances vs one: import {two.ImportRowsPerSecond / one.ImportRowsPerSecond:N2}x, consumed {two.ConsumedRowsPerSecond / one.ConsumedRowsPerSecond:N2}x, writes {two.WritesPerSecond / one.WritesPerSecond:N2}x, launch {one.LaunchSeconds / two.LaunchSeconds:N2}x faster"));
    }

    private async Task<(int, double, double, double, double, double)> RoundAsync(int replicas, int rows, int writeSeconds, int members)
    {
        Console.WriteLine();
        Console.WriteLine($"[bench] ---- {replicas} instance(s) per service ----");
        await BenchService.CreateVirtualHostAsync(VirtualHost);
        NpgsqlConnection.ClearAllPools(); // the databases are dropped and made again: the last round's pooled connections are dead
        var processes = new List<BenchService>();
        try
        {
            var gatewaySettings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in Services)
            {
                var database = $"bench_replicas_{name.ToLowerInvariant()}";
                await BenchService.CreateDatabaseAsync(settings, database);
                var addresses = new List<string>();
                var started = Enumerable.Range(0, replicas).Select(async i =>
                {
                    var url = $"http://127.0.0.1:{FreePort()}";
                    var service = await BenchService.StartAsync(settings, name, url, database, VirtualHost, new Dictionary<string, string>
                    {
                        ["Scoring__Schedule__Enabled"] = "false",
                        ["Imports__SpoolDirectory"] = Path.Combine(settings.WorkDirectory, "replicas-spool", i.ToString(Inv)),
                        ["Logging__LogLevel__Default"] = "Warning",
                    });
                    return (service, url);
                }).ToList();
                foreach (var (service, url) in await Task.WhenAll(started))
                {
                    processes.Add(service);
                    addresses.Add(url);
                }

                gatewaySettings[$"Services__{name}"] = string.Join(',', addresses);
            }

            await BenchService.CreateDatabaseAsync(settings, "bench_replicas_gateway");
            var gatewayUrl = $"http://127.0.0.1:{FreePort()}";
            var gateway = await BenchService.StartAsync(settings, "Gateway", gatewayUrl, "bench_replicas_gateway", VirtualHost, gatewaySettings);
            processes.Add(gateway);
            var key = await CreateKeyAsync(gatewayUrl);
            using var client = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = TimeSpan.FromMinutes(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

            var (importRate, consumedRate) = await ImportAsync(client, rows);
            var (writes, p99) = await WritesAsync(gatewayUrl, key, writeSeconds);
            var launch = await LaunchAsync(client, members);
            return (replicas, importRate, consumedRate, writes, p99, launch);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
        }
    }

    // A transactions file through the gateway: rows/s until the import completed, and until Segmentation and
    // Measurement hold every order.
    private async Task<(double, double)> ImportAsync(HttpClient client, int rows)
    {
        var csv = new StringBuilder("source,order_id,customer_external_id,occurred_at,gross_amount,quantity\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(Inv, $"bench,o{i},c{i % Math.Max(1, rows / 5)},{new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i % 500_000):yyyy-MM-ddTHH:mm:ssZ},{1 + i % 97}.50,1\n");
        }

        var clock = Stopwatch.StartNew();
        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        var upload = await client.PostAsync("/ingestion/v1/imports?kind=transactions&createCustomers=true&currency=USD", content);
        upload.EnsureSuccessStatusCode();
        var importId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
        while ((await client.GetFromJsonAsync<JsonElement>($"/ingestion/v1/imports/{importId}")).GetProperty("status").GetString() is "queued" or "running")
        {
            await Task.Delay(200);
        }

        var imported = clock.Elapsed;
        await UntilAsync(async () => await CountAsync("segmentation", "SELECT coalesce(sum(orders_count), 0) FROM customer_purchases") >= rows
                                     && await CountAsync("measurement", "SELECT count(*) FROM purchases") >= rows, TimeSpan.FromMinutes(20));
        var consumed = clock.Elapsed;
        Console.WriteLine(string.Create(Inv, $"[bench] import of {rows:N0} rows: completed in {imported.TotalSeconds:N1} s, in Segmentation and Measurement after {consumed.TotalSeconds:N1} s"));
        return (rows / imported.TotalSeconds, rows / consumed.TotalSeconds);
    }

    // Single customer upserts through the gateway, 32 connections (wrk, as the ingest benchmark).
    private static async Task<(double, double)> WritesAsync(string gatewayUrl, string key, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"bench-replicas-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, $$"""
            local n = 0
            request = function()
              n = n + 1
              local body = string.format('{"source":"wrk","externalId":"%d-%d","email":"w%d@bench.example"}', math.random(1, 1000000000), n, n)
              return wrk.format("POST", "/ingestion/v1/customers", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer {{key}}" }, body)
            end
            """);
        try
        {
            var output = await RunAsync("wrk", $"-t2 -c32 -d{seconds}s --latency -s {script} {gatewayUrl}");
            var rate = double.Parse(Match(output, @"Requests/sec:\s+([0-9.]+)"), Inv);
            var p99 = LatencyMs(Match(output, @"99%\s+([0-9.]+[a-z]+)"));
            var errors = Match(output, @"Non-2xx or 3xx responses: (\d+)", "0");
            Console.WriteLine(string.Create(Inv, $"[bench] single writes: {rate:N0} req/s, p99 {p99:N1} ms, non-2xx {errors}"));
            return (rate, p99);
        }
        finally
        {
            File.Delete(script);
        }
    }

    // A campaign on `members` customers with an e-mail address: seconds from launch until every treated contact is at the webhook.
    private async Task<double> LaunchAsync(HttpClient client, int members)
    {
        for (var start = 0; start < members; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, members - start)).Select(i => new
            {
                source = "launch",
                externalId = i.ToString(Inv),
                email = $"l{i}@bench.example",
                consents = new Dictionary<string, object> { ["email"] = new { granted = true } },
            });
            (await client.PostAsJsonAsync("/ingestion/v1/customers/batch", batch)).EnsureSuccessStatusCode();
        }

        await UntilAsync(async () => await CountAsync("campaigns", "SELECT count(*) FROM customers WHERE consent_email") >= members
                                     && await CountAsync("segmentation", "SELECT count(*) FROM customer_profiles WHERE consent_email") >= members, TimeSpan.FromMinutes(10));
        var received = 0;
        using var sink = new WebhookSink(keepPosts: false, onPost: post => Interlocked.Add(ref received, JsonDocument.Parse(post.Body).RootElement.GetProperty("contacts").GetArrayLength()));
        (await client.PutAsJsonAsync("/campaigns/v1/channels/email", new { mode = "webhook", url = sink.Url, secret = "bench-secret-0123456789abcdef" })).EnsureSuccessStatusCode();
        var segment = await client.PostAsJsonAsync("/segmentation/v1/segments", new { name = "bench", rule = new { field = "consent_email", op = "eq", value = true } });
        segment.EnsureSuccessStatusCode();
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var design = new
        {
            code = "BENCH",
            name = "bench",
            objective = "retention",
            segmentId,
            responseWindowDays = 14,
            currency = "USD",
            controlShare = 0.1,
            cells = new[] { new { code = "mail", share = 0.9, steps = new[] { new { channel = "email", dayOffset = 0, condition = "always", costPerContact = 0.02m } } } },
        };
        HttpResponseMessage created;
        while ((created = await client.PostAsJsonAsync("/campaigns/v1/campaigns", design)).StatusCode != HttpStatusCode.Created)
        {
            await Task.Delay(200); // the segment reaches Campaigns' catalog as an event
        }

        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var clock = Stopwatch.StartNew();
        (await client.PostAsync($"/campaigns/v1/campaigns/{campaignId}/launch", null)).EnsureSuccessStatusCode();
        long treated = 0;
        await UntilAsync(async () =>
        {
            treated = await CountAsync("campaigns", $"SELECT count(*) FROM assignments WHERE campaign_id = '{campaignId}' AND cell = 'mail'");
            return await CountAsync("campaigns", $"SELECT count(*) FROM assignments WHERE campaign_id = '{campaignId}'") >= members && Volatile.Read(ref received) >= treated;
        }, TimeSpan.FromMinutes(10));
        Console.WriteLine(string.Create(Inv, $"[bench] launch on {members:N0} members: {treated:N0} contacts at the webhook after {clock.Elapsed.TotalSeconds:N1} s"));
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<string> CreateKeyAsync(string gatewayUrl)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.AdminApiKey);
        var response = await admin.PostAsJsonAsync("/admin/keys", new { name = "bench", scopes = KeyScopes, requestsPerSecond = 100_000, burst = 1_000_000 });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the benchmark's key: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private async Task<long> CountAsync(string service, string sql)
    {
        await using var connection = new NpgsqlConnection(settings.AdminConnectionString($"bench_replicas_{service}"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), Inv);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the benchmark's work did not finish in time");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static double LatencyMs(string value) =>
        value.EndsWith("us", StringComparison.Ordinal) ? double.Parse(value[..^2], Inv) / 1000
        : value.EndsWith("ms", StringComparison.Ordinal) ? double.Parse(value[..^2], Inv)
        : double.Parse(value[..^1], Inv) * 1000;

    private static string Match(string text, string pattern, string? fallback = null) =>
        System.Text.RegularExpressions.Regex.Match(text, pattern) is { Success: true } m ? m.Groups[1].Value
        : fallback ?? throw new InvalidOperationException($"'{pattern}' not found in:\n{text}");

    private static async Task<string> RunAsync(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}

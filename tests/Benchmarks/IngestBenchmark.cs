using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Ingestion benchmarks on the benchmark's own services and databases (<see cref="IngestPlatform"/>), preloaded with N
/// transactions. Bulk: a generated CSV of new orders (in the month <see cref="TargetMonth"/> chooses, customers of the
/// preload) imported through the API until every TransactionsRecorded batch is published, against plain
/// <c>psql \copy</c> of the same file into a table of the same shape holding the same preloaded rows, in the same run.
/// Single: one transaction per request with 32 connections (wrk), against a bare endpoint of the same service that does
/// no I/O. Each run adds its rows to both sides, so they stay the same size.
/// </summary>
internal sealed class IngestBenchmark(BenchSettings settings, IngestPlatform platform)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const int WarmUpRows = 50_000;

    private DateTimeOffset _month = Preload.End;

    private const string TransactionsHeader = "source,order_id,customer_external_id,occurred_at,gross_amount,discount_amount,cost_amount,currency,quantity,channel,category,promotion_code";

    /// <summary>Chooses the month this run's orders go into (<see cref="TargetMonth"/>) and says how full it is.</summary>
    public async Task ChooseMonthAsync(string? forced)
    {
        (_month, var stored) = await TargetMonth.ChooseAsync(platform.IngestionConnectionString, forced);
        Console.WriteLine($"[bench] this run's orders go into {_month:yyyy-MM}, whose partition holds {stored:N0} orders before the run{(forced is null ? " (the fewest of the past months; --month YYYY-MM chooses)" : "")}");
    }

    public async Task RunBulkAsync(int rows, int customers)
    {
        await BrokerIdle.WaitAsync(IngestPlatform.VirtualHost, TimeSpan.FromMinutes(10));
        Directory.CreateDirectory(settings.WorkDirectory);
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", Inv);
        var transactionsFile = Path.Combine(settings.WorkDirectory, $"transactions-{rows}-{runId}.csv");
        Console.WriteLine($"[bench] generating {rows:N0} new transactions of {customers:N0} preloaded customers in {settings.WorkDirectory}");
        await GenerateTransactionsAsync(transactionsFile, rows, customers, runId, _month);
        var bytes = new FileInfo(transactionsFile).Length;
        Console.WriteLine($"[bench] transactions file: {bytes / 1e6:N0} MB");

        // Warm-up: a service runs for days, so the JIT's first compilations are not a cost per row (tiered, with PGO: a
        // fifth of perf's samples of Ingestion in an import's first 25 s were in the JIT). A small import first, not
        // measured; its rows go into the COPY table too, so both sides stay the same size.
        var warmUpFile = Path.Combine(settings.WorkDirectory, $"transactions-warm-up-{runId}.csv");
        await GenerateTransactionsAsync(warmUpFile, WarmUpRows, customers, runId + "w", _month);
        await CopyAsync(warmUpFile);
        var warmUp = Stopwatch.StartNew();
        await WaitForImportAsync(platform.Ingestion.Http, await PostImportAsync(platform.Ingestion.Http, "transactions", warmUpFile, ""));
        await platform.WaitForOutboxDrainedAsync();
        await BrokerIdle.WaitAsync(IngestPlatform.VirtualHost, TimeSpan.FromMinutes(10));
        File.Delete(warmUpFile);
        Console.WriteLine($"[bench] warm-up: {WarmUpRows:N0} rows imported and consumed in {warmUp.Elapsed.TotalSeconds:N1} s (not measured)");

        // Baseline: plain COPY of the same file into a same-shape table holding the same rows (primary key on
        // (source, order_id) like our idempotency key).
        var copy = Stopwatch.StartNew();
        await CopyAsync(transactionsFile);
        copy.Stop();
        var copyRate = rows / copy.Elapsed.TotalSeconds;
        Console.WriteLine($"[bench] psql \\copy: {rows:N0} rows in {copy.Elapsed.TotalSeconds:N1} s = {copyRate:N0} rows/s");

        var http = platform.Ingestion.Http;
        var ours = Stopwatch.StartNew();
        var importId = await PostImportAsync(http, "transactions", transactionsFile, "");
        var uploaded = ours.Elapsed;
        var report = await WaitForImportAsync(http, importId);
        var imported = ours.Elapsed;
        await platform.WaitForOutboxDrainedAsync();
        ours.Stop();
        var ourRate = rows / ours.Elapsed.TotalSeconds;
        Console.WriteLine($"[bench] import report: {report}");
        Console.WriteLine($"[bench] ours: upload {uploaded.TotalSeconds:N1} s, imported at {imported.TotalSeconds:N1} s, all TransactionsRecorded published at {ours.Elapsed.TotalSeconds:N1} s");
        Console.WriteLine($"[bench] RESULT bulk: ours {ourRate:N0} rows/s, psql \\copy {copyRate:N0} rows/s, ratio {ourRate / copyRate:N2}x (goal >= 0.5x)");
        var drained = Stopwatch.StartNew();
        await BrokerIdle.WaitAsync(IngestPlatform.VirtualHost, TimeSpan.FromMinutes(30));
        Console.WriteLine($"[bench] the consumers finished the import's events {drained.Elapsed.TotalSeconds:N1} s after the last was published; peak resident: {platform.PeakResident()}");
        File.Delete(transactionsFile);
    }

    public async Task RunSingleAsync(int connections, int seconds)
    {
        await BrokerIdle.WaitAsync(IngestPlatform.VirtualHost, TimeSpan.FromMinutes(10));
        var http = platform.Ingestion.Http;
        // The load writes against 1,000 known customers.
        var customers = Enumerable.Range(0, 1000).Select(i => new { source = "load", externalId = $"L{i}", country = "NL" }).ToArray();
        (await http.PostAsJsonAsync("/v1/customers/batch", customers)).EnsureSuccessStatusCode();

        var script = Path.Combine(settings.WorkDirectory, "post-transaction.lua");
        Directory.CreateDirectory(settings.WorkDirectory);
        await File.WriteAllTextAsync(script, """
            local counter = 0
            -- A global, not a local: thread:set sets the thread's global, and a local here would hide it, so every
            -- thread of every run would send the same order ids (replays, not new orders).
            prefix = "x"
            function setup(thread)
              thread:set("prefix", string.format("%d-%d", os.time(), math.random(1, 1000000000)))
            end
            function request()
              counter = counter + 1
              local body = string.format('{"source":"load","orderId":"%s-%d","customerExternalId":"L%d","occurredAt":"OCCURRED_AT","grossAmount":25.00,"discountAmount":2.50,"currency":"EUR","quantity":1,"channel":"web"}', prefix, counter, counter % 1000)
              return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer ADMIN_KEY" }, body)
            end
            """.Replace("ADMIN_KEY", settings.AdminApiKey, StringComparison.Ordinal)
            .Replace("OCCURRED_AT", _month.AddDays(14).AddHours(12).ToString("yyyy-MM-ddTHH:mm:ssZ", Inv), StringComparison.Ordinal));
        // The bare endpoint needs the admin key (sent to both endpoints, so both requests are alike) and exists only in a
        // service started with Benchmark__Enabled=true (deploy/platform bench starts them so).
        using (var probe = new HttpRequestMessage(HttpMethod.Post, "/admin/noop"))
        {
            probe.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.AdminApiKey);
            var answer = await http.SendAsync(probe);
            if (!answer.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /admin/noop answered {(int)answer.StatusCode}: the benchmark's Ingestion was not started for a benchmark (Benchmark__Enabled=true, admin key)");
            }
        }

        var bare = await WrkAsync(IngestPlatform.IngestionUrl + "/admin/noop", script, connections, seconds);
        // 5 s of the same load first, not counted: JIT and tiered compilation, connection pools and caches warm up
        // (a service started just before measures ~30 % lower on its first 20 s).
        await WrkAsync(IngestPlatform.IngestionUrl + "/v1/transactions", script, connections, 5);
        var real = await WrkAsync(IngestPlatform.IngestionUrl + "/v1/transactions", script, connections, seconds);
        Console.WriteLine($"[bench] bare endpoint (no I/O): {bare}");
        Console.WriteLine($"[bench] POST /v1/transactions:  {real}");
        Console.WriteLine($"[bench] RESULT single: {real.RequestsPerSecond:N0} req/s (goal >= 3,000), p99 {real.P99Ms:N1} ms (goal < 100 ms), {real.RequestsPerSecond / bare.RequestsPerSecond:N2}x the bare endpoint's {bare.RequestsPerSecond:N0} req/s; non-2xx: {real.Errors}; peak resident: {platform.PeakResident()}");
    }

    private Task<string> CopyAsync(string file) =>
        RunAsync("psql", $"-q -h {settings.PgHost} -p {settings.PgPort} -U {settings.PgAdminUser} -d {platform.CopyDatabase} -c \"\\copy bench_transactions_copy FROM '{file}' WITH (FORMAT csv, HEADER true)\"",
            new Dictionary<string, string> { ["PGPASSWORD"] = settings.PgAdminPassword });

    private static async Task<WrkResult> WrkAsync(string url, string script, int connections, int seconds)
    {
        var output = await RunAsync("wrk", $"-t2 -c{connections} -d{seconds}s --latency -s {script} {url}");
        var rps = double.Parse(Match(output, @"Requests/sec:\s+([\d.]+)"), Inv);
        var p99 = ParseLatencyMs(Match(output, @"\s99%\s+([\d.]+\w+)"));
        var p50 = ParseLatencyMs(Match(output, @"\s50%\s+([\d.]+\w+)"));
        var errors = System.Text.RegularExpressions.Regex.Match(output, @"Non-2xx or 3xx responses:\s+(\d+)") is { Success: true } m ? long.Parse(m.Groups[1].Value, Inv) : 0;
        return new WrkResult(rps, p50, p99, errors);
    }

    private static double ParseLatencyMs(string value)
    {
        var number = double.Parse(value.TrimEnd('u', 's', 'm'), Inv);
        return value.EndsWith("us", StringComparison.Ordinal) ? number / 1000
            : value.EndsWith("ms", StringComparison.Ordinal) ? number
            : number * 1000;
    }

    private static string Match(string text, string pattern) =>
        System.Text.RegularExpressions.Regex.Match(text, pattern) is { Success: true } m ? m.Groups[1].Value
        : throw new InvalidOperationException($"'{pattern}' not found in:\n{text}");

    private static async Task<Guid> PostImportAsync(HttpClient http, string kind, string file, string options)
    {
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream, 1 << 20);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var response = await http.PostAsync($"/v1/imports?kind={kind}{options}", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"import of {file} refused: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("importId").GetGuid();
    }

    private static async Task<string> WaitForImportAsync(HttpClient http, Guid importId)
    {
        while (true)
        {
            var report = await http.GetFromJsonAsync<JsonElement>($"/v1/imports/{importId}");
            var status = report.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                if (status == "failed")
                {
                    throw new InvalidOperationException($"import {importId} failed: {report}");
                }

                return $"read {report.GetProperty("rowsRead")}, new {report.GetProperty("rowsNew")}, rejected {report.GetProperty("rowsRejected")}";
            }

            await Task.Delay(100);
        }
    }

    private static async Task GenerateTransactionsAsync(string file, int rows, int customers, string runId, DateTimeOffset month)
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(TransactionsHeader);
        var random = new Random(11);
        string[] channels = ["web", "store", "phone"];
        string[] categories = ["books", "music", "garden", "toys", "food"];
        // New orders of the chosen month, a few customers buying much more than most (as preloaded).
        var start = month;
        for (var i = 0; i < rows; i++)
        {
            var gross = Math.Round((decimal)(5 + random.NextDouble() * 195), 2);
            var discount = random.Next(4) == 0 ? Math.Round(gross * 0.2m, 2) : 0m;
            var promo = discount > 0 ? "SPRING" : "";
            var at = start.AddSeconds(random.Next(0, TargetMonth.Days * 86400));
            await writer.WriteLineAsync(string.Create(Inv,
                $"bench,{runId}-{i},C{(int)(Math.Pow(random.NextDouble(), 1.7) * customers)},{at:yyyy-MM-ddTHH:mm:ssZ},{gross},{discount},{Math.Round(gross * 0.6m, 2)},EUR,{1 + random.Next(3)},{channels[random.Next(3)]},{categories[random.Next(5)]},{promo}"));
        }
    }

    private static async Task<string> RunAsync(string command, string arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }

    private sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors)
    {
        public override string ToString() => string.Create(Inv, $"{RequestsPerSecond:N0} req/s, p50 {P50Ms:N1} ms, p99 {P99Ms:N1} ms, non-2xx {Errors}");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Freshness on the benchmark's own services and databases (<see cref="IngestPlatform"/>, preloaded): transactions are posted to Ingestion's batch endpoint at a fixed rate (batches of
/// 1,000, one every 1,000 / rate seconds, for a number of seconds), and Segmentation's database is polled until each
/// batch shows in its per-day purchase rows. Each batch uses its own purchase day, so "reflected" is exact whatever
/// order the events arrive in. Prints p50 / p95 / max of request-to-profile latency and the rate achieved.
/// </summary>
internal sealed class FreshnessBenchmark(IngestPlatform platform)
{
    private const int BatchSize = 1_000;
    private const int Customers = 5_000;

    public async Task RunAsync(int rate, int seconds)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var source = $"fresh{run}";
        var batches = Math.Max(1, rate * seconds / BatchSize);
        var interval = TimeSpan.FromSeconds((double)BatchSize / rate);
        // A run of its own purchase days (far in the past, different for every run) so earlier runs never count.
        var firstDay = new DateOnly(1000, 1, 1).AddDays((int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 % 2_000) * 150);
        var http = platform.Ingestion.Http;

        // The customers first (one batch request), so transactions measure transactions only.
        var customers = Enumerable.Range(0, Customers).Select(i => new { source, externalId = $"c{i}" }).ToArray();
        foreach (var chunk in customers.Chunk(BatchSize))
        {
            (await http.PostAsJsonAsync("/v1/customers/batch", chunk)).EnsureSuccessStatusCode();
        }

        Console.WriteLine($"[bench] freshness: {batches} batches of {BatchSize:N0} transactions at {rate:N0}/s to {IngestPlatform.IngestionUrl}, polling Segmentation's database");
        var sentAt = new ConcurrentDictionary<int, long>();
        var seenAt = new ConcurrentDictionary<int, long>();
        var clock = Stopwatch.StartNew();
        var poller = PollAsync(firstDay, batches, seenAt, clock, CancellationToken.None);

        var requests = new List<Task>();
        for (var k = 0; k < batches; k++)
        {
            var due = interval * k;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var day = firstDay.AddDays(k).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var batch = Enumerable.Range(0, BatchSize).Select(j => new
            {
                source,
                orderId = $"{k}-{j}",
                customerExternalId = $"c{(k * BatchSize + j) % Customers}",
                occurredAt = $"{day}T12:00:00Z",
                grossAmount = 10 + (j % 50),
                currency = "EUR",
            }).ToArray();
            var number = k;
            sentAt[number] = clock.ElapsedTicks;
            requests.Add(Task.Run(async () => (await http.PostAsJsonAsync("/v1/transactions/batch", batch)).EnsureSuccessStatusCode()));
        }

        await Task.WhenAll(requests);
        var sendSeconds = clock.Elapsed.TotalSeconds;
        await poller;
        var latencies = Enumerable.Range(0, batches)
            .Where(seenAt.ContainsKey)
            .Select(k => (seenAt[k] - sentAt[k]) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        Console.WriteLine($"[bench] freshness: sent {batches * BatchSize:N0} transactions in {sendSeconds:N1} s ({batches * BatchSize / sendSeconds:N0}/s); " +
                          $"request-to-profile latency p50 {Percentile(0.5):N0} ms, p95 {Percentile(0.95):N0} ms, max {latencies[^1]:N0} ms over {latencies.Length} batches (goal p95 < 1,000 ms); peak resident: {platform.PeakResident()}");
    }

    private async Task PollAsync(DateOnly firstDay, int batches, ConcurrentDictionary<int, long> seenAt, Stopwatch clock, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(platform.SegmentationConnectionString);
        await connection.OpenAsync(ct);
        var deadline = TimeSpan.FromSeconds(120) + clock.Elapsed;
        while (seenAt.Count < batches && clock.Elapsed < deadline + TimeSpan.FromSeconds(batches))
        {
            await using var command = new NpgsqlCommand(
                "SELECT day, sum(orders_count)::int FROM customer_daily_purchases WHERE day BETWEEN @first AND @last GROUP BY day", connection);
            command.Parameters.AddWithValue("first", firstDay);
            command.Parameters.AddWithValue("last", firstDay.AddDays(batches - 1));
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var k = reader.GetFieldValue<DateOnly>(0).DayNumber - firstDay.DayNumber;
                    if (reader.GetInt32(1) >= BatchSize)
                    {
                        seenAt.TryAdd(k, clock.ElapsedTicks);
                    }
                }
            }

            await Task.Delay(20, ct);
        }
    }
}

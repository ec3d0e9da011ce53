using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Freshness on the benchmark's own services and databases (<see cref="IngestPlatform"/>, preloaded): transactions are
/// posted to Ingestion's batch endpoint at a fixed rate (batches of 1,000, one every 1,000 / rate seconds, for a number
/// of seconds), orders of the last week of the preloaded period by 5,000 customers of the run, and Segmentation's
/// database is polled until each batch shows. Each batch carries one order of a customer of its own (its marker):
/// Segmentation takes in a batch in one transaction, so the batch is reflected when its marker's purchase row exists.
/// Prints p50 / p95 / max of request-to-profile latency and the rate achieved.
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
        var http = platform.Ingestion.Http;

        // The customers first (batch requests), so transactions measure transactions only.
        var customers = Enumerable.Range(0, Customers).Select(i => new { source, externalId = $"c{i}" })
            .Concat(Enumerable.Range(0, batches).Select(k => new { source, externalId = $"m{k}" }))
            .ToArray();
        foreach (var chunk in customers.Chunk(BatchSize))
        {
            (await http.PostAsJsonAsync("/v1/customers/batch", chunk)).EnsureSuccessStatusCode();
        }

        var markers = await MarkersAsync(source, batches);
        Console.WriteLine($"[bench] freshness: {batches} batches of {BatchSize:N0} transactions at {rate:N0}/s to {IngestPlatform.IngestionUrl}, polling Segmentation's database");
        var sentAt = new ConcurrentDictionary<int, long>();
        var seenAt = new ConcurrentDictionary<int, long>();
        var clock = Stopwatch.StartNew();
        var poller = PollAsync(markers, seenAt, clock, CancellationToken.None);

        var requests = new List<Task>();
        for (var k = 0; k < batches; k++)
        {
            var due = interval * k;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var batch = Enumerable.Range(0, BatchSize).Select(j => new
            {
                source,
                orderId = $"{k}-{j}",
                customerExternalId = j == 0 ? $"m{k}" : $"c{(k * BatchSize + j) % Customers}",
                occurredAt = Preload.End.AddDays(-1 - (j % 7)).AddHours(12).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
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

    /// <summary>The marker customer of each batch, by batch number (ids as Ingestion derived them).</summary>
    private async Task<Guid[]> MarkersAsync(string source, int batches)
    {
        await using var connection = new NpgsqlConnection(platform.IngestionConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT external_id, customer_id FROM customers WHERE source = @source AND external_id LIKE 'm%'", connection);
        command.Parameters.AddWithValue("source", source);
        var markers = new Guid[batches];
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            markers[int.Parse(reader.GetString(0).AsSpan(1), CultureInfo.InvariantCulture)] = reader.GetGuid(1);
        }

        return markers;
    }

    private async Task PollAsync(Guid[] markers, ConcurrentDictionary<int, long> seenAt, Stopwatch clock, CancellationToken ct)
    {
        var batchOf = markers.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k);
        await using var connection = new NpgsqlConnection(platform.SegmentationConnectionString);
        await connection.OpenAsync(ct);
        var deadline = TimeSpan.FromSeconds(120) + clock.Elapsed;
        while (seenAt.Count < markers.Length && clock.Elapsed < deadline + TimeSpan.FromSeconds(markers.Length))
        {
            await using var command = new NpgsqlCommand("SELECT customer_id FROM customer_purchases WHERE customer_id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", markers.Where((_, k) => !seenAt.ContainsKey(k)).ToArray());
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    seenAt.TryAdd(batchOf[reader.GetGuid(0)], clock.ElapsedTicks);
                }
            }

            await Task.Delay(20, ct);
        }
    }
}

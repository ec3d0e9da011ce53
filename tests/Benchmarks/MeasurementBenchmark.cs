using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Ingestion;

namespace Benchmarks;

/// <summary>
/// Measurement on a campaign of N assigned customers (default 1,000,000) and M later transactions (default 5,000,000),
/// on a database, vhost and process of its own (<c>bench_measurement</c>, <c>bench-measurement</c>, port 18084). The
/// events are published onto the vhost as their producers publish them (MassTransit, publisher confirms, batches of
/// 1,000): <see cref="CampaignLaunched"/>, the <see cref="CustomersAssigned"/> batches and the treated cell's
/// <see cref="ContactsDispatched"/>, then the <see cref="TransactionsRecorded"/> batches, every transaction inside its
/// customer's response window. Figures: the time to take in the assignments and contacts; attribution throughput
/// (transactions per second from the first transaction published until the per-cell statistics count every order and
/// no queue of the vhost holds a message); <c>GET /v1/campaigns/{id}/results</c> latency (p50/p95 of 20 calls, plain and
/// with <c>?winsorize=0.99</c>); the service's peak resident memory. Baseline in the same run: one binary COPY of the
/// same transactions into a table of the shape of Measurement's <c>purchases</c> in the same database.
/// </summary>
internal sealed class MeasurementBenchmark(BenchSettings settings)
{
    private const string Database = "bench_measurement";
    private const string VirtualHost = "bench-measurement";
    private const string MeasurementUrl = "http://127.0.0.1:18084";
    private const int BatchSize = 1_000;
    private const int WindowDays = 30;
    private const int InFlight = 8;

    private static readonly DateTimeOffset LaunchedAt = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tiers = ["top", "middle", "middle", "bottom", "bottom"];

    public async Task RunAsync(int members, int transactions)
    {
        await BenchService.CreateDatabaseAsync(settings, Database);
        await BenchService.CreateVirtualHostAsync(VirtualHost);
        using var measurement = await BenchService.StartAsync(settings, "Measurement", MeasurementUrl, Database, VirtualHost);
        await WaitBoundAsync([typeof(CampaignLaunched), typeof(CustomersAssigned), typeof(ContactsDispatched), typeof(TransactionsRecorded)]);

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(BenchService.Env("PLATFORM_RABBIT_HOST"),
            ushort.Parse(BenchService.Env("PLATFORM_RABBIT_PORT"), CultureInfo.InvariantCulture), VirtualHost, h =>
            {
                h.Username(BenchService.Env("PLATFORM_RABBIT_USER"));
                h.Password(BenchService.Env("PLATFORM_RABBIT_PASSWORD"));
                h.PublisherConfirmation = true;
            }));
        await bus.StartAsync();
        try
        {
            var campaignId = Guid.CreateVersion7();
            var treated = Enumerable.Range(1, members).LongCount(i => !IsControl(i));
            Console.WriteLine($"[bench] publishing the campaign: {members:N0} assignments (control 10%) and {treated:N0} contacts, in batches of {BatchSize:N0}");
            var stopwatch = Stopwatch.StartNew();
            await bus.Publish(Launched(campaignId, members));
            var batches = (members + BatchSize - 1) / BatchSize;
            await PublishAllAsync(bus, Enumerable.Range(0, batches).Select(b => (object)Assigned(campaignId, b, batches, members)));
            await PublishAllAsync(bus, Contacts(campaignId, members));
            var published = stopwatch.Elapsed.TotalSeconds;
            await WaitAsync(async () => await CountAsync("SELECT count(*) FROM members") == members && await CountAsync("SELECT count(*) FROM contacts") == treated && await QueuedAsync() == 0,
                "every assignment and contact stored", TimeSpan.FromMinutes(30));
            var intake = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine($"[bench] assignments and contacts: published in {published:N1} s, all stored after {intake:N1} s " +
                              $"({(members + treated) / intake:N0} rows/s)");

            Console.WriteLine($"[bench] publishing {transactions:N0} transactions in batches of {BatchSize:N0}, each inside its customer's window");
            stopwatch.Restart();
            var publishing = PublishAllAsync(bus, Enumerable.Range(0, (transactions + BatchSize - 1) / BatchSize)
                .Select(b => (object)Transactions(b, Math.Min(BatchSize, transactions - (b * BatchSize)), members)));
            double? publishedAt = null, countedAt = null;
            long peakQueued = 0;
            while (true)
            {
                await Task.Delay(1000);
                if (publishedAt is null && publishing.IsCompleted)
                {
                    await publishing;
                    publishedAt = stopwatch.Elapsed.TotalSeconds;
                }

                var queued = await QueuedAsync();
                peakQueued = Math.Max(peakQueued, queued);
                if (countedAt is null && await CountAsync("SELECT coalesce(sum(orders), 0)::bigint FROM cell_stats") == transactions)
                {
                    countedAt = stopwatch.Elapsed.TotalSeconds;
                }

                if (publishedAt is not null && countedAt is not null && queued == 0)
                {
                    break;
                }
            }

            var attribution = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine($"[bench] attribution: {transactions:N0} transactions published in {publishedAt:N1} s; every order in the cell statistics after {countedAt:N1} s, " +
                              $"queues empty after {attribution:N1} s (peak {peakQueued:N0} messages queued) = {transactions / attribution:N0} transactions/s (goal >= 20,000/s)");

            var baseline = await CopyBaselineAsync(transactions, members);
            Console.WriteLine($"[bench] baseline: one binary COPY of the same {transactions:N0} transactions into a table shaped like purchases: {baseline:N1} s " +
                              $"({transactions / baseline:N0} rows/s); attribution took {attribution / baseline:N1}x the COPY");

            await LatencyAsync(measurement.Http, $"/v1/campaigns/{campaignId}/results");
            await LatencyAsync(measurement.Http, $"/v1/campaigns/{campaignId}/results?winsorize=0.99");
            Console.WriteLine($"[bench] peak resident memory: Measurement {measurement.PeakResidentMiB():N0} MiB");
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static bool IsControl(int member) => member % 10 == 0;

    /// <summary>The bench's customer ids: member i of 1..N, the same in every message.</summary>
    private static Guid CustomerId(int member) => Guid.Parse($"00000000-0000-4000-8000-{member:x12}");

    private static CampaignLaunched Launched(Guid campaignId, int members) => new()
    {
        CampaignId = campaignId,
        Code = "BENCH-MEASURE",
        Name = "bench measurement",
        Objective = "retention",
        Kind = "platform",
        LaunchedAt = LaunchedAt,
        ResponseWindowDays = WindowDays,
        Currency = "USD",
        Cells =
        [
            new CampaignCell { Code = "control", Share = 0.1, IsControl = true, Steps = [] },
            new CampaignCell
            {
                Code = "mail", Share = 0.9, IsControl = false,
                Steps = [new CampaignStep { Number = 1, Channels = ["email"], DayOffset = 0, Condition = "always", CostPerContact = 0.02m }],
            },
        ],
        Waves = [new CampaignWave { Number = 1, Share = 1, StartsAt = LaunchedAt }],
        Offers = [],
        MemberCount = members,
        GlobalControlShare = 0,
    };

    private static CustomersAssigned Assigned(Guid campaignId, int batch, int batches, int members) => new()
    {
        CampaignId = campaignId,
        BatchNumber = batch + 1,
        BatchCount = batches,
        Assignments = Enumerable.Range((batch * BatchSize) + 1, Math.Min(BatchSize, members - (batch * BatchSize))).Select(i => new Assignment
        {
            CustomerId = CustomerId(i),
            Cell = IsControl(i) ? "control" : "mail",
            Wave = 1,
            GlobalControl = false,
            ValueTier = Tiers[i % Tiers.Length],
            DealSeeker = i % 7 == 0,
            NetRevenue365 = 20 + (i % 400),
            Orders365 = i % 12,
        }).ToList(),
    };

    private static IEnumerable<object> Contacts(Guid campaignId, int members)
    {
        var batch = new List<ContactRecord>(BatchSize);
        for (var i = 1; i <= members; i++)
        {
            if (IsControl(i))
            {
                continue;
            }

            batch.Add(new ContactRecord
            {
                ContactId = Guid.Parse($"00000000-0000-4000-9000-{i:x12}"), CustomerId = CustomerId(i), Cell = "mail", Wave = 1, Step = 1,
                Channel = "email", Cost = 0.02m, At = LaunchedAt.AddHours(1), Status = "dispatched",
            });
            if (batch.Count == BatchSize)
            {
                yield return new ContactsDispatched { CampaignId = campaignId, Contacts = batch };
                batch = new List<ContactRecord>(BatchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return new ContactsDispatched { CampaignId = campaignId, Contacts = batch };
        }
    }

    // Transaction j: a customer spread over all members, two hours to 28 days after launch (inside every window).
    private static (Guid Id, int Member, DateTimeOffset At, decimal Gross, decimal Cost) Transaction(long j, int members) =>
        (Guid.Parse($"00000000-0000-4000-a000-{j:x12}"), (int)((j * 7_919) % members) + 1, LaunchedAt.AddHours(2 + (j % (27 * 24))), 10 + (j % 90), 4 + (j % 30));

    private static TransactionsRecorded Transactions(int batch, int count, int members) => new()
    {
        Transactions = Enumerable.Range(0, count).Select(k =>
        {
            var j = ((long)batch * BatchSize) + k;
            var t = Transaction(j, members);
            return new TransactionRecord
            {
                TransactionId = t.Id, CustomerId = CustomerId(t.Member), Source = "bench", OrderId = j.ToString(CultureInfo.InvariantCulture),
                OccurredAt = t.At, GrossAmount = t.Gross, DiscountAmount = 0, CostAmount = t.Cost, Currency = "USD", Quantity = 1, IsReturn = false,
            };
        }).ToList(),
    };

    // Publishes with a few messages in flight (each confirmed by the broker), as an outbox relay does.
    private static async Task PublishAllAsync(IBus bus, IEnumerable<object> messages)
    {
        using var slots = new SemaphoreSlim(InFlight);
        var pending = new List<Task>();
        foreach (var message in messages)
        {
            await slots.WaitAsync();
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await bus.Publish(message, message.GetType());
                }
                finally
                {
                    slots.Release();
                }
            }));
            pending.RemoveAll(t => t.IsCompletedSuccessfully);
        }

        await Task.WhenAll(pending);
    }

    private async Task<double> CopyBaselineAsync(int transactions, int members)
    {
        await using var connection = new NpgsqlConnection(settings.AdminConnectionString(Database));
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_copy_purchases; CREATE TABLE bench_copy_purchases (LIKE purchases INCLUDING ALL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var stopwatch = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY bench_copy_purchases (transaction_id, customer_id, occurred_at, net_amount, margin, cost_known, is_return, campaign_code, promotion_code) FROM STDIN (FORMAT BINARY)"))
        {
            for (long j = 0; j < transactions; j++)
            {
                var t = Transaction(j, members);
                await copy.StartRowAsync();
                await copy.WriteAsync(t.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(CustomerId(t.Member), NpgsqlDbType.Uuid);
                await copy.WriteAsync(t.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(t.Gross, NpgsqlDbType.Numeric);
                await copy.WriteAsync(t.Gross - t.Cost, NpgsqlDbType.Numeric);
                await copy.WriteAsync(true, NpgsqlDbType.Boolean);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteNullAsync();
                await copy.WriteNullAsync();
            }

            await copy.CompleteAsync();
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        await using var drop = new NpgsqlCommand("DROP TABLE bench_copy_purchases", connection);
        await drop.ExecuteNonQueryAsync();
        return seconds;
    }

    private static async Task LatencyAsync(HttpClient http, string path)
    {
        var first = await http.GetAsync(path);
        if (!first.IsSuccessStatusCode)
        {
            Console.WriteLine($"[bench] GET {path}: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");
            return;
        }

        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"[bench] GET {path}: p50 {times[9]:N1} ms, p95 {times[18]:N1} ms, max {times[19]:N1} ms (20 calls after one warm-up; goal < 1 s)");
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(settings.AdminConnectionString(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what} after {timeout.TotalSeconds:N0} s");
            }

            await Task.Delay(1000);
        }
    }

    // Messages ready or unacknowledged in the vhost's queues (error queues aside), from the management API on loopback.
    private static async Task<long> QueuedAsync()
    {
        using var management = Management();
        var queues = await management.GetFromJsonAsync<JsonElement>($"api/queues/{VirtualHost}");
        return queues.EnumerateArray()
            .Where(q => !q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    // A message published before Measurement's queues are bound to its exchange would be dropped by the broker.
    private static async Task WaitBoundAsync(Type[] messages)
    {
        using var management = Management();
        foreach (var type in messages)
        {
            var exchange = Uri.EscapeDataString($"{type.Namespace}:{type.Name}");
            await WaitAsync(async () =>
            {
                var response = await management.GetAsync($"api/exchanges/{VirtualHost}/{exchange}/bindings/source");
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() > 0;
            }, $"a queue of Measurement bound to {type.Name}", TimeSpan.FromMinutes(2));
        }
    }

    private static HttpClient Management()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{BenchService.Env("PLATFORM_RABBIT_HOST")}:{BenchService.Env("PLATFORM_RABBIT_MGMT_PORT")}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BenchService.Env("PLATFORM_RABBIT_USER")}:{BenchService.Env("PLATFORM_RABBIT_PASSWORD")}")));
        return client;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.Testing;
using Xunit.Abstractions;

namespace EndToEnd;

/// <summary>
/// PostgreSQL goes away under a stream of writes and consumption, then comes back: Ingestion answers 503 with
/// Retry-After (never 500) while it is gone, consumers wait instead of parking, and once clients retried every order
/// is counted exactly once. Each service reaches PostgreSQL through a proxy the test cuts (the shared server stays up).
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 6;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TestVirtualHost _vhost = null!;
    private TestDatabase _ingestionDb = null!;
    private TestDatabase _segmentationDb = null!;
    private TcpProxy _ingestionDatabase = null!;
    private TcpProxy _segmentationDatabase = null!;
    private ActivityListener _listener = null!;
    // Failed consume attempts per MassTransit message id, and each failure as it happened (printed at the end).
    private readonly ConcurrentDictionary<string, int> _failedAttempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failures = new();
    private ServiceApp<Ingestion.Program> _ingestion = null!;
    private ServiceApp<Segmentation.Program> _segmentation = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("pg-outage");
        _ingestionDb = await TestDatabase.CreateAsync("pg_outage_ingestion");
        _segmentationDb = await TestDatabase.CreateAsync("pg_outage_segmentation");
        _ingestionDatabase = TcpProxy.Start(TestServers.PgHost, TestServers.PgPort);
        _segmentationDatabase = TcpProxy.Start(TestServers.PgHost, TestServers.PgPort);
        // Failed consumer attempts of this test's Segmentation (consume activities of its vhost with an error status).
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Status == ActivityStatusCode.Error && a.Kind == ActivityKind.Consumer
                    && a.TagObjects.Any(t => t.Value is string v && v.Contains(_vhost.Name, StringComparison.Ordinal)))
                {
                    var messageId = a.GetTagItem("messaging.masstransit.message_id")?.ToString();
                    _failures.Enqueue($"{_elapsed.Elapsed.TotalSeconds:F1}s {messageId} {a.GetTagItem("messaging.masstransit.consumer_type")}: {a.StatusDescription}");
                    if (messageId is not null)
                    {
                        _failedAttempts.AddOrUpdate(messageId, 1, (_, n) => n + 1);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _segmentation = new ServiceApp<Segmentation.Program>(ThroughProxy(ServiceSettings.For(_segmentationDb, _vhost), _segmentationDatabase));
        _segmentation.StartServer();
        await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-transactions-recorded"), "segmentation's queue");
        _ingestion = new ServiceApp<Ingestion.Program>(ThroughProxy(ServiceSettings.For(_ingestionDb, _vhost), _ingestionDatabase));
    }

    public async Task DisposeAsync()
    {
        foreach (var failure in _failures)
        {
            output.WriteLine($"failed attempt at {failure}");
        }

        await _ingestion.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _ingestionDatabase.DisposeAsync();
        await _segmentationDatabase.DisposeAsync();
        _listener.Dispose();
        await _segmentationDb.DisposeAsync();
        await _ingestionDb.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseCutDuringWritesAndConsumption_Answers503WithRetryAfter_ParksNothing_AndCountsEveryOrderOnce()
    {
        using var client = _ingestion.CreateClient();
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var unexpected = new ConcurrentQueue<string>();
        var unavailable = 0;
        var withoutRetryAfter = 0;
        using var stop = new CancellationTokenSource();

        async Task RunClientAsync(int clientId)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var orderId = $"outage-{clientId}-{i}";
                while (true)
                {
                    using var response = await client.PostAsJsonAsync("/v1/transactions?createCustomers=true", new
                    {
                        source = "e2e", orderId, customerExternalId = $"outage-customer-{clientId}", occurredAt = "2024-05-01T10:00:00Z", grossAmount = 10.0m, currency = "EUR",
                    });
                    if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                    {
                        acknowledged[orderId] = true;
                        break;
                    }

                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref unavailable);
                        if (response.Headers.RetryAfter is null)
                        {
                            Interlocked.Increment(ref withoutRetryAfter);
                        }

                        // A well-behaved client waits before retrying (shorter than Retry-After, to keep the test quick).
                        await Task.Delay(TimeSpan.FromMilliseconds(200));
                        continue;
                    }

                    unexpected.Enqueue($"{orderId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
                }
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => RunClientAsync(c))).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 30), "orders written before the outage");
        Mark("writes before the outage");

        // Segmentation loses the database first, so events keep arriving while it cannot handle them; one message has to
        // wait through more failed attempts than the bounded retry allows (6) without being parked. (With the default
        // outage retry, up to 15 s apart, ten attempts would take 80 s: this wait also shows the setting is honoured.)
        _segmentationDatabase.Cut();
        await Eventually.TrueAsync(() => Task.FromResult(MostFailedAttempts() >= 10), "a message of segmentation's consumer failing ten times for the outage");
        Mark("a message failed ten times");
        _ingestionDatabase.Cut();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref unavailable) >= 10), "503 answers while the database is gone");
        Mark("ten 503 answers");
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness reporting the outage");
        Mark("readiness 503");

        _ingestionDatabase.Restore();
        _segmentationDatabase.Restore();
        var afterOutage = acknowledged.Count;
        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= afterOutage + 30), "orders written after the outage");
        Mark("writes after the outage");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(unexpected);
        Assert.Equal(0, withoutRetryAfter);
        var orders = acknowledged.Count;
        const string Counted = "SELECT coalesce(sum(orders_count), 0)::bigint FROM customer_purchases";
        try
        {
            await Eventually.TrueAsync(async () => await ScalarAsync(_segmentationDb, Counted) == orders, "segmentation counting every order", TimeSpan.FromSeconds(60));
            Mark("every order counted");
        }
        catch (TimeoutException e)
        {
            // Say where the orders are: helps tell a lost or doubled event from a slow one.
            throw new TimeoutException(
                $"{e.Message} acknowledged {orders}, ingestion {await ScalarAsync(_ingestionDb, "SELECT count(*) FROM transactions")}, " +
                $"segmentation {await ScalarAsync(_segmentationDb, Counted)}, unsent outbox {await ScalarAsync(_ingestionDb, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL")}, " +
                $"queued {await _vhost.MessagesReadyAsync("segmentation-transactions-recorded")}", e);
        }

        Assert.Equal(orders, await ScalarAsync(_ingestionDb, "SELECT count(*) FROM transactions"));
        Assert.Equal(0, await ScalarAsync(_ingestionDb, "SELECT count(*) FROM outbox_messages WHERE parked_at IS NOT NULL"));
        foreach (var queue in await _segmentation.Services.GetRequiredService<ErrorQueues>().ListAsync(default))
        {
            Assert.True(queue.Messages == 0, $"{queue.ErrorQueue} holds {queue.Messages} message(s)");
        }
    }

    private int MostFailedAttempts() => _failedAttempts.Values.DefaultIfEmpty(0).Max();

    // Where the time goes, for the test output: the phase just reached and the longest wait of one message so far.
    private void Mark(string phase) =>
        output.WriteLine($"{_elapsed.Elapsed.TotalSeconds:F1}s {phase} (most failed attempts of one message: {MostFailedAttempts()})");

    private static Dictionary<string, string?> ThroughProxy(Dictionary<string, string?> settings, TcpProxy proxy)
    {
        var connection = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Database"]) { Host = "127.0.0.1", Port = proxy.Port };
        settings["ConnectionStrings:Database"] = connection.ConnectionString;
        // The consumer's outage retry at short intervals (default up to 15 s apart): the same retry layer, so the failed
        // attempts the test waits for come within seconds and consumption resumes soon after the outage.
        settings["Messaging:OutageRetry:Min"] = "00:00:00.100";
        settings["Messaging:OutageRetry:Max"] = "00:00:00.500";
        return settings;
    }

    private static async Task<long> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}

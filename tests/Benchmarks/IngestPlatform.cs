using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// The services the ingest and freshness benchmarks write to, of their own: Ingestion, Segmentation and Measurement
/// (the consumers of <c>TransactionsRecorded</c> that share the cores on a real platform) as separate processes on
/// databases <c>bench_ingest_*</c> (another prefix with <c>--prefix</c>, to keep preloaded sets of two builds side by
/// side), vhost <c>bench-ingest</c> and ports 1819x, so the platform's data and other users of the shared servers are
/// untouched. The databases are preloaded (<see cref="Preload"/>) with N transactions and
/// kept between runs while N and the services' migrations are unchanged; <c>--rebuild</c> starts them afresh.
/// </summary>
internal sealed class IngestPlatform : IDisposable
{
    public const string VirtualHost = "bench-ingest";
    public const string IngestionUrl = "http://127.0.0.1:18191";
    private const string SegmentationUrl = "http://127.0.0.1:18192";
    private const string MeasurementUrl = "http://127.0.0.1:18194";

    private readonly BenchSettings _settings;
    private readonly List<BenchService> _services;

    private IngestPlatform(BenchSettings settings, string prefix, List<BenchService> services)
    {
        _settings = settings;
        _services = services;
        CopyDatabase = prefix + "_copy";
        IngestionDatabase = prefix + "_ingestion";
    }

    /// <summary>The baseline's database (the table <c>bench_transactions_copy</c>).</summary>
    public string CopyDatabase { get; }

    private string IngestionDatabase { get; }

    public BenchService Ingestion => _services[0];

    public string IngestionConnectionString => _settings.AdminConnectionString(IngestionDatabase);

    public string SegmentationConnectionString { get; private init; } = "";

    /// <summary>
    /// Starts the three services on the benchmark's databases, preloaded with <paramref name="preload"/> transactions of
    /// <paramref name="customers"/> customers (rebuilt when <paramref name="rebuild"/> is set or the kept databases were
    /// filled for another N or another schema). Without <paramref name="consumers"/> only Ingestion runs: what it does
    /// when Segmentation and Measurement consume on other hosts (their events are published to exchanges nothing is
    /// bound to, so the broker drops them, and their databases miss this run's rows).
    /// </summary>
    public static async Task<IngestPlatform> StartAsync(BenchSettings settings, string prefix, long preload, int customers, bool rebuild, bool consumers = true)
    {
        string IngestionDatabase = prefix + "_ingestion", SegmentationDatabase = prefix + "_segmentation",
            MeasurementDatabase = prefix + "_measurement", CopyDatabase = prefix + "_copy";
        var schema = SchemaKey();
        var kept = !rebuild && await Preload.IsCurrentAsync(settings, IngestionDatabase, preload, customers, schema);
        if (!kept)
        {
            Console.WriteLine($"[bench] creating {IngestionDatabase}, {SegmentationDatabase}, {MeasurementDatabase}, {CopyDatabase} afresh (preload {preload:N0} transactions, schema {schema})");
            await BenchService.CreateDatabaseAsync(settings, IngestionDatabase);
            await BenchService.CreateDatabaseAsync(settings, SegmentationDatabase);
            await BenchService.CreateDatabaseAsync(settings, MeasurementDatabase);
            await BenchService.CreateDatabaseAsync(settings, CopyDatabase);
        }
        else
        {
            Console.WriteLine($"[bench] keeping the preloaded databases ({preload:N0} transactions, schema {schema}); --rebuild starts afresh");
        }

        // A fresh vhost every run: queues are no state worth keeping, and leftovers of a broken run would be measured.
        await BenchService.CreateVirtualHostAsync(VirtualHost);
        var bench = new Dictionary<string, string> { ["Benchmark__Enabled"] = "true" };
        var services = new List<BenchService>();
        try
        {
            services.Add(await BenchService.StartAsync(settings, "Ingestion", IngestionUrl, IngestionDatabase, VirtualHost, bench));
            if (consumers)
            {
                services.Add(await BenchService.StartAsync(settings, "Segmentation", SegmentationUrl, SegmentationDatabase, VirtualHost,
                    new Dictionary<string, string>(bench) { ["Scoring__Schedule__Enabled"] = "false" }));
                services.Add(await BenchService.StartAsync(settings, "Measurement", MeasurementUrl, MeasurementDatabase, VirtualHost, bench));
            }
            else
            {
                Console.WriteLine("[bench] --no-consumers: Ingestion alone (Segmentation and Measurement not started; their databases miss this run's rows)");
            }
        }
        catch
        {
            services.ForEach(s => s.Dispose());
            throw;
        }

        var platform = new IngestPlatform(settings, prefix, services) { SegmentationConnectionString = settings.AdminConnectionString(SegmentationDatabase) };
        try
        {
            if (!kept)
            {
                await new Preload(settings, IngestionDatabase, SegmentationDatabase, MeasurementDatabase, CopyDatabase).FillAsync(preload, customers, schema);
            }

            Console.WriteLine($"[bench] stored before this run: {await platform.CountAsync("transactions"):N0} transactions, {await platform.CountAsync("customers"):N0} customers");
            return platform;
        }
        catch
        {
            platform.Dispose();
            throw;
        }
    }

    /// <summary>Peak resident memory of each service process so far.</summary>
    public string PeakResident() => string.Join(", ", _services.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.PeakResidentMiB():N0} MiB")));

    /// <summary>Waits until Ingestion's outbox holds nothing unsent.</summary>
    public async Task WaitForOutboxDrainedAsync()
    {
        await using var db = new NpgsqlConnection(IngestionConnectionString);
        await db.OpenAsync();
        await using var pending = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND parked_at IS NULL", db);
        while ((long)(await pending.ExecuteScalarAsync())! > 0)
        {
            await Task.Delay(50);
        }
    }

    public void Dispose() => _services.ForEach(s => s.Dispose());

    private async Task<long> CountAsync(string table)
    {
        await using var db = new NpgsqlConnection(IngestionConnectionString);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", db) { CommandTimeout = 0 };
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// What the preloaded rows depend on: the migrations of Ingestion, Segmentation and Measurement (their SQL text) and the
    /// preload's own format. Another key means the kept databases are of another shape and are rebuilt.
    /// </summary>
    private static string SchemaKey()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("the checkout's root (Platform.sln) is not above the benchmark's folder");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Preload.Format));
        foreach (var service in new[] { "Ingestion", "Segmentation", "Measurement" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root.FullName, "services", service, "Migrations"), "*.sql").Order(StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                hash.AppendData(File.ReadAllBytes(file));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}

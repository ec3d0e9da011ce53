using System.Globalization;
using Benchmarks;

// Usage: Benchmarks ingest [--preload N] [--customers N] [--rebuild] [--prefix NAME] [--rows N] [--seconds N] [--skip-single] [--skip-bulk] [--no-consumers] [--month YYYY-MM]
//        Benchmarks segmentation [--customers N] [--transactions N]
//        Benchmarks freshness [--preload N] [--customers N] [--rebuild] [--prefix NAME] [--rate N] [--seconds N]
//        Benchmarks campaigns [--members N]
//        Benchmarks measurement [--members N] [--transactions N]
//        Benchmarks replicas [--rows N] [--seconds N] [--members N]
// Reads the server settings from the environment (./deploy/platform bench exports them).
var settings = BenchSettings.FromEnvironment();
var command = args.FirstOrDefault() ?? "help";
int Option(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

// The ingest and freshness benchmarks run on services and databases of their own, preloaded with N transactions
// (default 10,000,000) of --customers customers (default 1,000,000), kept between runs (--rebuild: afresh); --prefix
// names the databases (default bench_ingest), so the preloaded sets of two builds can be kept side by side.
Task<IngestPlatform> StartIngestPlatform() => IngestPlatform.StartAsync(
    settings, Array.IndexOf(args, "--prefix") is var p and >= 0 && p + 1 < args.Length ? args[p + 1] : "bench_ingest", Option("--preload", 10_000_000), Option("--customers", 1_000_000), args.Contains("--rebuild"),
    consumers: command != "ingest" || !args.Contains("--no-consumers")); // freshness needs them

switch (command)
{
    case "ingest":
        using (var platform = await StartIngestPlatform())
        {
            var bench = new IngestBenchmark(settings, platform);
            await bench.ChooseMonthAsync(Array.IndexOf(args, "--month") is var m and >= 0 && m + 1 < args.Length ? args[m + 1] : null);
            // Single requests first: after the bulk run Segmentation is still working through a million events on the
            // same cores, which would be measured instead.
            if (!args.Contains("--skip-single"))
            {
                await bench.RunSingleAsync(connections: 32, seconds: Option("--seconds", 20));
            }

            if (!args.Contains("--skip-bulk"))
            {
                await bench.RunBulkAsync(Option("--rows", 1_000_000), Option("--customers", 1_000_000));
            }
        }

        break;
    case "freshness":
        using (var platform = await StartIngestPlatform())
        {
            await new FreshnessBenchmark(platform).RunAsync(Option("--rate", 5_000), Option("--seconds", 30));
        }

        break;
    case "campaigns":
        await new CampaignsBenchmark(settings).RunAsync(Option("--members", 1_000_000));
        break;
    case "measurement":
        await new MeasurementBenchmark(settings).RunAsync(Option("--members", 1_000_000), Option("--transactions", 5_000_000));
        break;
    case "replicas":
        await new ReplicasBenchmark(settings).RunAsync(Option("--rows", 200_000), Option("--seconds", 15), Option("--members", 20_000));
        break;
    case "segmentation":
        await new SegmentationBenchmark(settings).RunAsync(Option("--customers", 1_000_000), Option("--transactions", 5_000_000));
        break;
    default:
        Console.WriteLine("usage: Benchmarks ingest [--preload N] [--customers N] [--rebuild] [--prefix NAME] [--rows N] [--seconds N] [--skip-single] [--skip-bulk] [--no-consumers] [--month YYYY-MM] | segmentation [--customers N] [--transactions N] | freshness [--preload N] [--customers N] [--rebuild] [--prefix NAME] [--rate N] [--seconds N] | campaigns [--members N] | measurement [--members N] [--transactions N] | replicas [--rows N] [--seconds N] [--members N]");
        return 2;
}

return 0;

namespace Benchmarks
{
    /// <summary>Where the servers and services are (the PLATFORM_* variables of .local/platform.env).</summary>
    internal sealed record BenchSettings(string PgHost, string PgPort, string PgAdminUser, string PgAdminPassword, string IngestionPassword, string IngestionUrl, string AdminApiKey, string WorkDirectory)
    {
        public string IngestionConnectionString => $"Host={PgHost};Port={PgPort};Database=ingestion;Username=ingestion;Password={IngestionPassword}";

        public string AdminConnectionString(string database) => $"Host={PgHost};Port={PgPort};Database={database};Username={PgAdminUser};Password={PgAdminPassword}";

        public static BenchSettings FromEnvironment()
        {
            static string Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
                : throw new InvalidOperationException($"{name} is not set: run through ./deploy/platform bench");
            return new BenchSettings(
                Get("PLATFORM_PG_HOST"),
                Get("PLATFORM_PG_PORT"),
                Get("PLATFORM_PG_ADMIN_USER"),
                Get("PLATFORM_PG_ADMIN_PASSWORD"),
                Get("INGESTION_DB_PASSWORD"),
                Environment.GetEnvironmentVariable("INGESTION_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:8081",
                Get("PLATFORM_ADMIN_API_KEY"),
                Environment.GetEnvironmentVariable("BENCH_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "platform-bench"));
        }
    }
}

using System.Globalization;
using Demo;

// The demo of the whole marketing loop (./deploy/platform demo runs it against the running platform). Settings from the
// environment: GATEWAY_URL (http://127.0.0.1:8080), PLATFORM_ADMIN_API_KEY, DEMO_CUSTOMERS (50000), DEMO_PROSPECTS
// (20000), DEMO_SEED, DEMO_BUDGET_SECONDS (240); INGESTION_URL, SEGMENTATION_URL, CAMPAIGNS_URL, MEASUREMENT_URL for the
// services' admin endpoints while the gateway does not forward them.
var services = new Dictionary<string, Uri>(StringComparer.Ordinal);
foreach (var (name, port) in new[] { ("ingestion", 8081), ("segmentation", 8082), ("campaigns", 8083), ("measurement", 8084) })
{
    services[name] = new Uri(Environment.GetEnvironmentVariable(name.ToUpperInvariant() + "_URL") ?? $"http://127.0.0.1:{port}");
}

var options = new DemoOptions
{
    Gateway = new Uri(Environment.GetEnvironmentVariable("GATEWAY_URL") ?? "http://127.0.0.1:8080"),
    AdminKey = Environment.GetEnvironmentVariable("PLATFORM_ADMIN_API_KEY"),
    ServiceAddresses = services,
    Customers = Number("DEMO_CUSTOMERS", 50_000),
    Prospects = Number("DEMO_PROSPECTS", 20_000),
    Seed = Number("DEMO_SEED", Demo.Generation.GeneratorParameters.Default.Seed),
    TimeBudget = TimeSpan.FromSeconds(Number("DEMO_BUDGET_SECONDS", 240)),
    Output = Console.Out,
};

try
{
    await MarketingLoop.RunAsync(options, CancellationToken.None);
    return 0;
}
catch (Exception e) when (e is Demo.Platform.PlatformException or TimeoutException or OperationCanceledException or HttpRequestException)
{
    await Console.Error.WriteLineAsync("[demo] failed: " + e.Message);
    return 1;
}

static int Number(string variable, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

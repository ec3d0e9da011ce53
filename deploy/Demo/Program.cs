using System.Globalization;
using Demo;

// The demo of the whole marketing loop (./deploy/platform demo runs it against the running platform). Settings from the
// environment: GATEWAY_URL (http://127.0.0.1:8080), PLATFORM_ADMIN_API_KEY, DEMO_CUSTOMERS (50000), DEMO_PROSPECTS
// (20000), DEMO_SEED, DEMO_BUDGET_SECONDS (240). Everything goes through the gateway, the services' admin endpoints too.
var options = new DemoOptions
{
    Gateway = new Uri(Environment.GetEnvironmentVariable("GATEWAY_URL") ?? "http://127.0.0.1:8080"),
    AdminKey = Environment.GetEnvironmentVariable("PLATFORM_ADMIN_API_KEY") is { Length: > 0 } key ? key
        : throw new InvalidOperationException("PLATFORM_ADMIN_API_KEY is not set (./deploy/platform demo sets it from .local/platform.env)"),
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

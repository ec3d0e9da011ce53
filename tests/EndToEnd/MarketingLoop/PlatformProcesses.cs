using Platform.Testing;

namespace EndToEnd.MarketingLoop;

/// <summary>
/// The whole platform as a deployment runs it: every service and the gateway as its own process (from the build
/// output), each service with its own database, sharing one vhost, the services on the simulated clock starting at
/// <see cref="ClockStart"/> (what the demo runs on). A class fixture.
/// </summary>
public sealed class PlatformProcesses : IAsyncLifetime
{
    /// <summary>The services behind the gateway, by their process name.</summary>
    public static readonly string[] Services = ["Ingestion", "Segmentation", "Campaigns", "Measurement"];

    private const string Purpose = "loop";
    private readonly List<ServiceProcess> _processes = [];
    private TestVirtualHost _vhost = null!;

    /// <summary>Where the simulated clocks of the services start (end of the generated history is set by the loop itself).</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Each service's database, by process name (the gateway's included).</summary>
    public Dictionary<string, TestDatabase> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway's base address.</summary>
    public Uri Gateway { get; private set; } = null!;

    /// <summary>The admin key the gateway and services accept (the scripts' <c>PLATFORM_ADMIN_API_KEY</c>).</summary>
    public static string AdminKey => TestServers.AdminApiKey;

    /// <summary>Where Ingestion spools uploads.</summary>
    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), $"e2e-{Purpose}-{Guid.NewGuid():N}");

    /// <summary>The running processes, by name.</summary>
    public IReadOnlyDictionary<string, ServiceProcess> Processes => _processes.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync(Purpose);
        var gateway = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Admin:ApiKey"] = AdminKey };
        foreach (var name in Services)
        {
            var database = await TestDatabase.CreateAsync($"{Purpose}_{name.ToLowerInvariant()}");
            Databases[name] = database;
            var settings = ServiceSettings.For(database, _vhost);
            settings["Scoring:Schedule:Enabled"] = "false";
            settings["Imports:SpoolDirectory"] = SpoolDirectory;
            settings["Clock:Start"] = ClockStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var process = await ServiceProcess.StartAsync(name, settings);
            _processes.Add(process);
            gateway[$"Services:{name}"] = process.Address.ToString().TrimEnd('/');
        }

        var gatewayDb = await TestDatabase.CreateAsync($"{Purpose}_gateway");
        Databases["Gateway"] = gatewayDb;
        gateway["ConnectionStrings:Database"] = gatewayDb.ConnectionString;
        var gatewayProcess = await ServiceProcess.StartAsync("Gateway", gateway);
        _processes.Add(gatewayProcess);
        Gateway = gatewayProcess.Address;
        using var client = new HttpClient { BaseAddress = Gateway };
        foreach (var name in Services)
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync($"/{name.ToLowerInvariant()}/health/ready")).IsSuccessStatusCode, $"{name} ready through the gateway");
        }
    }

    /// <summary>The last output of every process, for a failure message.</summary>
    public string Output() => string.Join("\n\n", _processes.Select(p => $"== {p.Name} ({(p.IsRunning ? "running" : "exited")})\n{p.Output()}"));

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        foreach (var database in Databases.Values)
        {
            await database.DisposeAsync();
        }

        await _vhost.DisposeAsync();
        if (Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }
}

using EndToEnd.ApiKeys;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Every service (Ingestion, Segmentation, Campaigns, Measurement) on its own loopback port with its own database,
/// sharing one vhost, and the gateway in front of them on a real port with its own database: what a client of the
/// platform sees. Clients send a key holding every scope unless given another (<see cref="CreateClient"/>).
/// The daily scoring run is off and Ingestion spools imports to a folder of its own, so nothing writes unasked.
/// A class fixture: the test classes that use it share one start.
/// </summary>
public sealed class AllServices : IAsyncLifetime
{
    /// <summary>The gateway prefixes of the services, which are also the names of their databases' purposes.</summary>
    public static readonly string[] Names = ["ingestion", "segmentation", "campaigns", "measurement"];

    private readonly List<IAsyncDisposable> _apps = [];
    private TestVirtualHost _vhost = null!;
    private TestGateway _gateway = null!;

    private const string Purpose = "allsvc";

    /// <summary>Each service's database, by its gateway prefix.</summary>
    public Dictionary<string, TestDatabase> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway's settings naming each service's address (<c>Services:Ingestion</c> ...), to start another gateway in front of them.</summary>
    public IReadOnlyDictionary<string, string?> ServiceAddresses { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The gateway's base address.</summary>
    public Uri Gateway { get; private set; } = null!;

    /// <summary>The gateway's own database (API keys); not in <see cref="Databases"/>, so fingerprints cover the services only.</summary>
    public TestDatabase GatewayDatabase => _gateway.Database;

    /// <summary>The configured admin key (scope admin only), as <c>PLATFORM_ADMIN_API_KEY</c> is in a deployment.</summary>
    public static string AdminKey => TestGateway.AdminKey;

    /// <summary>The key holding every scope that <see cref="CreateClient"/> sends by default.</summary>
    public string AllScopesKey => _gateway.AllScopesKey;

    /// <summary>Where Ingestion spools uploaded files.</summary>
    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), $"e2e-{Purpose}-{Guid.NewGuid():N}");

    /// <summary>Starts everything and waits until every service is ready through the gateway.</summary>
    public async Task InitializeAsync()
    {
        var all = this;
        all._vhost = await TestVirtualHost.CreateAsync(Purpose);
        var addresses = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            var database = await TestDatabase.CreateAsync($"{Purpose}_{name}");
            all.Databases[name] = database;
            var settings = ServiceSettings.For(database, all._vhost);
            settings["Scoring:Schedule:Enabled"] = "false";
            settings["Imports:SpoolDirectory"] = all.SpoolDirectory;
            addresses[$"Services:{char.ToUpperInvariant(name[0])}{name[1..]}"] = name switch
            {
                "ingestion" => all.Start(new ServiceApp<Ingestion.Program>(settings)),
                "segmentation" => all.Start(new ServiceApp<Segmentation.Program>(settings)),
                "campaigns" => all.Start(new ServiceApp<Campaigns.Program>(settings)),
                _ => all.Start(new ServiceApp<Measurement.Program>(settings)),
            };
        }

        all.ServiceAddresses = addresses;
        all._gateway = await TestGateway.StartAsync(Purpose, addresses);
        all.Gateway = all._gateway.Address;
        using var client = all.CreateClient();
        foreach (var name in Names)
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync($"/{name}/health/ready")).IsSuccessStatusCode, $"{name} ready through the gateway");
        }
    }

    /// <summary>Fingerprints of every table of every service's database (see <see cref="TableFingerprints"/>), keyed <c>service:schema.table</c>.</summary>
    public async Task<SortedDictionary<string, string>> FingerprintsAsync()
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, database) in Databases)
        {
            foreach (var (table, fingerprint) in await TableFingerprints.OfAsync(database))
            {
                all[$"{name}:{table}"] = fingerprint;
            }
        }

        return all;
    }

    /// <summary>
    /// A client of the gateway that gives up on a request after <paramref name="timeout"/> (default 2 minutes): a hang
    /// fails the test. It sends <paramref name="key"/> (default <see cref="AllScopesKey"/>; empty: no key).
    /// </summary>
    public HttpClient CreateClient(TimeSpan? timeout = null, string? key = null) => _gateway.CreateClient(timeout, key);

    /// <summary>Creates a key with <paramref name="scopes"/> through the gateway's admin API and returns it.</summary>
    public Task<string> CreateKeyAsync(string name, string[] scopes, int? requestsPerSecond = null, int? burst = null) =>
        _gateway.CreateKeyAsync(name, scopes, requestsPerSecond, burst);

    /// <summary>Creates a key through the gateway's admin API and returns its id and the key.</summary>
    public Task<(Guid Id, string Key)> CreateKeyWithIdAsync(string name, string[] scopes, int? requestsPerSecond = null, int? burst = null) =>
        _gateway.CreateKeyWithIdAsync(name, scopes, requestsPerSecond, burst);

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
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

    private string Start<T>(ServiceApp<T> app)
        where T : class
    {
        _apps.Add(app);
        return app.StartOnLoopback().ToString().TrimEnd('/');
    }
}

using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Every service (Ingestion, Segmentation, Campaigns, Measurement) on its own loopback port with its own database,
/// sharing one vhost, and the gateway in front of them on a real port: what a client of the platform sees.
/// The daily scoring run is off and Ingestion spools imports to a folder of its own, so nothing writes unasked.
/// A class fixture: the test classes that use it share one start.
/// </summary>
public sealed class AllServices : IAsyncLifetime
{
    /// <summary>The gateway prefixes of the services, which are also the names of their databases' purposes.</summary>
    public static readonly string[] Names = ["ingestion", "segmentation", "campaigns", "measurement"];

    private readonly List<IAsyncDisposable> _apps = [];
    private TestVirtualHost _vhost = null!;
    private ServiceApp<Gateway.Program> _gateway = null!;

    private const string Purpose = "allsvc";

    /// <summary>Each service's database, by its gateway prefix.</summary>
    public Dictionary<string, TestDatabase> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway's base address.</summary>
    public Uri Gateway { get; private set; } = null!;

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

        all._gateway = new ServiceApp<Gateway.Program>(addresses);
        all.Gateway = all._gateway.StartOnLoopback();
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

    /// <summary>A client of the gateway that gives up on a request after <paramref name="timeout"/> (default 2 minutes): a hang fails the test.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) => new() { BaseAddress = Gateway, Timeout = timeout ?? TimeSpan.FromMinutes(2) };

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

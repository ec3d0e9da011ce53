using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.Testing;

namespace EndToEnd.Replicas;

/// <summary>
/// The platform as <c>deploy/platform up --replicas 2</c> runs it: two processes of every service (competing consumers
/// on one vhost, two outbox relays and two schedulers per database) behind one gateway process that balances over
/// them, each service with its own database, on the simulated clock. Instances can be killed (a crash) and restarted
/// on the same address; a probe asks the gateway every service's API all along and keeps what failed. A class fixture.
/// </summary>
public sealed class ReplicatedPlatform : IAsyncLifetime
{
    /// <summary>The services behind the gateway, by process name.</summary>
    public static readonly string[] Services = ["Ingestion", "Segmentation", "Campaigns", "Measurement"];

    /// <summary>Instances of each service.</summary>
    public const int Replicas = 2;

    /// <summary>Where the simulated clocks start.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Purpose = "replicas";
    private static readonly string[] KeyScopes = ["ingest", "marketer"];
    private readonly ConcurrentDictionary<(string Service, int Index), ServiceProcess> _instances = new();
    private readonly Dictionary<string, Dictionary<string, string?>> _settings = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _probeFailures = new();
    private readonly CancellationTokenSource _stopProbe = new();
    private TestVirtualHost _vhost = null!;
    private ServiceProcess _gateway = null!;
    private Task _probe = Task.CompletedTask;
    private int _probes;

    /// <summary>Each service's database, by process name (the gateway's included).</summary>
    public Dictionary<string, TestDatabase> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway's base address.</summary>
    public Uri Gateway => _gateway.Address;

    /// <summary>A key with scopes ingest and marketer, created through the gateway's admin API.</summary>
    public string Key { get; private set; } = "";

    /// <summary>Requests of the probe answered with a 5xx (or not at all), with when and what.</summary>
    public IReadOnlyCollection<string> ProbeFailures => _probeFailures;

    /// <summary>Transaction rows uploaded so far by the tests, and their amounts' sum: what Segmentation and Measurement must hold.</summary>
    public (long Rows, decimal Total) Uploaded { get; set; }

    /// <summary>Requests the probe made so far.</summary>
    public int Probes => Volatile.Read(ref _probes);

    /// <summary>Instance <paramref name="index"/> (0 or 1) of <paramref name="service"/>.</summary>
    public ServiceProcess Instance(string service, int index) => _instances[(service, index)];

    /// <summary>The instance of <paramref name="service"/> whose process id is <paramref name="processId"/>, if one is.</summary>
    public int? IndexOf(string service, int processId) =>
        Enumerable.Range(0, Replicas).Cast<int?>().FirstOrDefault(i => _instances[(service, i!.Value)].ProcessId == processId);

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync(Purpose);
        var gateway = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Admin:ApiKey"] = TestServers.AdminApiKey };
        foreach (var name in Services)
        {
            var database = await TestDatabase.CreateAsync($"{Purpose}_{name.ToLowerInvariant()}");
            Databases[name] = database;
            var settings = ServiceSettings.For(database, _vhost);
            settings["Scoring:Schedule:Enabled"] = "false";
            settings["Clock:Start"] = ClockStart.ToString("O", CultureInfo.InvariantCulture);
            // A dead worker's job is taken over 10 s after its last renewal (30 s by default): the test waits less.
            settings["Jobs:LeaseDuration"] = "00:00:10";
            // Imports commit every 2,000 rows, so an import is killed between committed chunks.
            settings["Imports:ChunkRows"] = "2000";
            _settings[name] = settings;
            var addresses = new List<string>();
            for (var i = 0; i < Replicas; i++)
            {
                // Migrations: both instances start at once, as a deployment starts them; the advisory lock serializes them.
                var instance = await StartInstanceAsync(name, i, address: null, clockStart: ClockStart);
                addresses.Add(instance.Address.ToString().TrimEnd('/'));
            }

            gateway[$"Services:{name}"] = string.Join(',', addresses);
        }

        var gatewayDb = await TestDatabase.CreateAsync($"{Purpose}_gateway");
        Databases["Gateway"] = gatewayDb;
        gateway["ConnectionStrings:Database"] = gatewayDb.ConnectionString;
        _gateway = await ServiceProcess.StartAsync("Gateway", gateway);
        using (var admin = Client(TestServers.AdminApiKey))
        {
            var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "replicas", scopes = KeyScopes, requestsPerSecond = 100_000, burst = 1_000_000 });
            created.EnsureSuccessStatusCode();
            Key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }

        using var client = Client();
        foreach (var name in Services)
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync($"/{name.ToLowerInvariant()}/health/ready")).IsSuccessStatusCode, $"{name} ready through the gateway");
        }

        _probe = Task.Run(ProbeAsync);
    }

    /// <summary>A client of the gateway sending <paramref name="key"/> (default: <see cref="Key"/>).</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Key);
        return client;
    }

    /// <summary>Kills instance <paramref name="index"/> of <paramref name="service"/> at once (SIGKILL: no shutdown, no goodbye to the broker).</summary>
    public void Kill(string service, int index) => _instances[(service, index)].Kill();

    /// <summary>
    /// Starts a killed instance again on its address, its clock where the other instance's is (the simulated clock of a
    /// process starts at <c>Clock:Start</c>: a restarted one would be weeks behind the others, see the report of leases).
    /// </summary>
    public async Task RestartAsync(string service, int index)
    {
        var old = _instances[(service, index)];
        Assert.False(old.IsRunning, $"{service} #{index} is running");
        var other = _instances[(service, 1 - index)];
        var now = await ClockOfAsync(other);
        await old.DisposeAsync();
        var restarted = await StartInstanceAsync(service, index, old.Address.ToString().TrimEnd('/'), now);
        await AdvanceAsync(restarted, await ClockOfAsync(other));
    }

    /// <summary>Restarts every instance that is not running.</summary>
    public async Task RestartKilledAsync()
    {
        foreach (var ((service, index), instance) in _instances.ToList())
        {
            if (!instance.IsRunning)
            {
                await RestartAsync(service, index);
            }
        }
    }

    /// <summary>Moves every running instance's simulated clock to <paramref name="target"/> (each process has its own clock).</summary>
    public async Task AdvanceClocksAsync(DateTimeOffset target)
    {
        foreach (var instance in _instances.Values.Where(i => i.IsRunning))
        {
            await AdvanceAsync(instance, target);
        }
    }

    /// <summary>The latest simulated now among the running instances.</summary>
    public async Task<DateTimeOffset> NowAsync()
    {
        var latest = DateTimeOffset.MinValue;
        foreach (var instance in _instances.Values.Where(i => i.IsRunning))
        {
            var now = await ClockOfAsync(instance);
            latest = now > latest ? now : latest;
        }

        return latest;
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="service"/>'s database.</summary>
    public async Task<T> ScalarAsync<T>(string service, string sql, object? parameters = null)
    {
        await using var connection = await Databases[service].OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"{sql} gave null");
    }

    /// <summary>Rows of <paramref name="sql"/> on <paramref name="service"/>'s database.</summary>
    public async Task<List<T>> QueryAsync<T>(string service, string sql, object? parameters = null)
    {
        await using var connection = await Databases[service].OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    /// <summary>The last output of every process, for a failure message.</summary>
    public string Output() => string.Join("\n\n", _instances.OrderBy(i => i.Key).Select(i => $"== {i.Key.Service} #{i.Key.Index} pid {i.Value.ProcessId} ({(i.Value.IsRunning ? "running" : "exited")})\n{i.Value.Output()}"))
        + $"\n\n== Gateway\n{_gateway.Output()}";

    public async Task DisposeAsync()
    {
        await _stopProbe.CancelAsync();
        await _probe;
        await _gateway.DisposeAsync();
        foreach (var instance in _instances.Values)
        {
            await instance.DisposeAsync();
        }

        foreach (var database in Databases.Values)
        {
            await database.DisposeAsync();
        }

        await _vhost.DisposeAsync();
        foreach (var index in Enumerable.Range(0, Replicas))
        {
            var spool = SpoolDirectory(index);
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }

        _stopProbe.Dispose();
    }

    // Each instance its own spool folder, as each host (or pod) has its own disk.
    private static string SpoolDirectory(int index) => Path.Combine(Path.GetTempPath(), $"e2e-{Purpose}-{Environment.ProcessId}-{index}");

    private async Task<ServiceProcess> StartInstanceAsync(string service, int index, string? address, DateTimeOffset clockStart)
    {
        var settings = new Dictionary<string, string?>(_settings[service], StringComparer.Ordinal)
        {
            ["Imports:SpoolDirectory"] = SpoolDirectory(index),
            ["Clock:Start"] = clockStart.ToString("O", CultureInfo.InvariantCulture),
        };
        if (address is not null)
        {
            settings["ASPNETCORE_URLS"] = address;
        }

        var instance = await ServiceProcess.StartAsync(service, settings);
        _instances[(service, index)] = instance;
        return instance;
    }

    private static HttpClient AdminClient(ServiceProcess instance)
    {
        var client = new HttpClient { BaseAddress = instance.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestServers.AdminApiKey);
        return client;
    }

    private static async Task<DateTimeOffset> ClockOfAsync(ServiceProcess instance)
    {
        using var client = AdminClient(instance);
        var clock = await client.GetFromJsonAsync<JsonElement>("/admin/clock");
        return clock.GetProperty("now").GetDateTimeOffset();
    }

    private static async Task AdvanceAsync(ServiceProcess instance, DateTimeOffset target)
    {
        if (await ClockOfAsync(instance) >= target)
        {
            return; // a clock never goes back
        }

        using var client = AdminClient(instance);
        var response = await client.PostAsJsonAsync("/admin/clock", new { advanceTo = target.ToString("O", CultureInfo.InvariantCulture) });
        // Refused only when the clock passed the target meanwhile (it runs on with real time): then it is where it should be.
        Assert.True(response.IsSuccessStatusCode || await ClockOfAsync(instance) >= target, $"advancing {instance.Name}'s clock: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    // Reads of every service through the gateway, one after the other, until the fixture is disposed.
    private async Task ProbeAsync()
    {
        string[] paths = ["/ingestion/v1/imports/" + Guid.NewGuid(), "/segmentation/v1/segments", "/campaigns/v1/campaigns?limit=1", "/measurement/v1/results?campaign=" + Guid.NewGuid()];
        using var client = Client();
        client.Timeout = TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var next = 0;
        while (await NextTickAsync(timer))
        {
            var path = paths[next++ % paths.Length];
            try
            {
                using var response = await client.GetAsync(path, _stopProbe.Token);
                Interlocked.Increment(ref _probes);
                if ((int)response.StatusCode >= 500)
                {
                    _probeFailures.Enqueue($"{DateTimeOffset.UtcNow:O} GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(_stopProbe.Token)}");
                }
            }
            catch (OperationCanceledException) when (_stopProbe.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _probeFailures.Enqueue($"{DateTimeOffset.UtcNow:O} GET {path}: {e.Message}");
            }
        }
    }

    private async Task<bool> NextTickAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopProbe.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

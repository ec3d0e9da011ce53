using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Platform.Testing;

namespace Benchmarks;

/// <summary>
/// A service process of a benchmark's own (own database, own vhost, own port), so the platform's data is untouched:
/// the database and vhost are created fresh, the process runs the built service (<see cref="ServiceProcess"/>) and is
/// killed on dispose.
/// </summary>
internal sealed class BenchService : IDisposable
{
    private readonly ServiceProcess _process;

    private BenchService(ServiceProcess process, string name, string url)
    {
        _process = process;
        Name = name;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <summary>The service's name (e.g. "Ingestion").</summary>
    public string Name { get; }

    /// <summary>A client of the service.</summary>
    public HttpClient Http { get; }

    /// <summary>Drops and creates <paramref name="database"/>.</summary>
    public static async Task CreateDatabaseAsync(BenchSettings settings, string database)
    {
        await using var admin = new NpgsqlConnection(settings.AdminConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
        await create.ExecuteNonQueryAsync();
        // Pooled connections to the dropped database are dead now; the next open must not get one of them.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Deletes and creates <paramref name="virtualHost"/> with the platform's user allowed everything in it.</summary>
    public static async Task CreateVirtualHostAsync(string virtualHost)
    {
        using var management = Management();
        await management.DeleteAsync($"api/vhosts/{virtualHost}");
        (await management.PutAsJsonAsync($"api/vhosts/{virtualHost}", new { description = "benchmark" })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/permissions/{virtualHost}/{Uri.EscapeDataString(Env("PLATFORM_RABBIT_USER"))}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Starts the built service <paramref name="name"/> (e.g. "Segmentation") at <paramref name="url"/> on
    /// <paramref name="database"/> and <paramref name="virtualHost"/>, with <paramref name="settings"/> added to its
    /// environment, and waits until it is ready. What it writes is echoed to stderr with its name.
    /// </summary>
    public static async Task<BenchService> StartAsync(BenchSettings bench, string name, string url, string database, string virtualHost, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = url,
            ["ConnectionStrings__Database"] = bench.AdminConnectionString(database),
            ["RabbitMq__Host"] = Env("PLATFORM_RABBIT_HOST"),
            ["RabbitMq__Port"] = Env("PLATFORM_RABBIT_PORT"),
            ["RabbitMq__VirtualHost"] = virtualHost,
            ["RabbitMq__Username"] = Env("PLATFORM_RABBIT_USER"),
            ["RabbitMq__Password"] = Env("PLATFORM_RABBIT_PASSWORD"),
            ["Admin__ApiKey"] = bench.AdminApiKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var prefix = $"[{name.ToLowerInvariant()}] ";
        var process = await ServiceProcess.StartAsync(name, environment, line => Console.Error.WriteLine(prefix + line));
        var service = new BenchService(process, name, url);
        await service.WaitReadyAsync(name);
        return service;
    }

    /// <summary>Peak resident memory of the process so far, in MiB (from /proc), or null where that is not available.</summary>
    public double? PeakResidentMiB()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A setting of the platform's environment file (exported by <c>./deploy/platform bench</c>).</summary>
    public static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
        : throw new InvalidOperationException($"{name} is not set: run through ./deploy/platform bench");

    public void Dispose()
    {
        Http.Dispose();
        _process.DisposeAsync().AsTask().GetAwaiter().GetResult(); // kills it at once, nothing to wait for
    }

    private static HttpClient Management()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{Env("PLATFORM_RABBIT_HOST")}:{Env("PLATFORM_RABBIT_MGMT_PORT")}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Env("PLATFORM_RABBIT_USER")}:{Env("PLATFORM_RABBIT_PASSWORD")}")));
        return client;
    }

    // A service migrates its database before it is ready: on a preloaded set a migration that copies a big table (e.g.
    // Measurement's purchases into monthly partitions) takes minutes, so the wait is long and says what it waits for.
    private async Task WaitReadyAsync(string name)
    {
        for (var i = 1; i <= 3600; i++)
        {
            if (i % 60 == 0)
            {
                Console.WriteLine($"[bench] still waiting for {name} to be ready ({i / 2} s; a migration of a large database takes minutes)");
            }

            if (!_process.IsRunning)
            {
                throw new InvalidOperationException($"the benchmark's {name} exited before it was ready (its output is above)");
            }

            try
            {
                if ((await Http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(500);
        }

        throw new InvalidOperationException($"the benchmark's {name} did not become ready");
    }
}

using MassTransit;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Testing;

/// <summary>
/// One service started for tests the same way in every test project: its own database (and vhost, unless it shares
/// one with other services), the settings of <see cref="ServiceSettings"/> plus the test's own, served on a real
/// loopback port (Kestrel's limits apply) or in memory, and restartable on the same database.
/// </summary>
public sealed class ServiceTestHost<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly ServiceTestHostOptions _options;
    private readonly bool _ownsVirtualHost;

    private ServiceTestHost(TestDatabase database, TestVirtualHost vhost, bool ownsVirtualHost, ServiceTestHostOptions options)
    {
        Database = database;
        VirtualHost = vhost;
        _ownsVirtualHost = ownsVirtualHost;
        _options = options;
        (App, Client) = Start(options.Settings);
    }

    /// <summary>The service's own database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The vhost the service's bus uses.</summary>
    public TestVirtualHost VirtualHost { get; }

    /// <summary>The running service.</summary>
    public ServiceApp<TProgram> App { get; private set; }

    /// <summary>A client of the service's HTTP API.</summary>
    public HttpClient Client { get; private set; }

    /// <summary>Creates the database (and vhost) named after <paramref name="purpose"/>, starts the service and waits until it is live.</summary>
    public static async Task<ServiceTestHost<TProgram>> StartAsync(string purpose, ServiceTestHostOptions? options = null)
    {
        options ??= new ServiceTestHostOptions();
        var database = await TestDatabase.CreateAsync(purpose);
        var vhost = options.VirtualHost ?? await TestVirtualHost.CreateAsync(purpose);
        var host = new ServiceTestHost<TProgram>(database, vhost, options.VirtualHost is null, options);
        await host.WaitLiveAsync();
        return host;
    }

    /// <summary>Stops the service and starts a new instance on the same database and vhost (a restart), with other settings if given.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?>? settings = null, Func<Task>? whileStopped = null)
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        (App, Client) = Start(settings ?? _options.Settings);
    }

    /// <summary>Starts another instance on the same database, vhost, settings and clock (a replica, served in memory) and waits until it is live; the caller disposes it.</summary>
    public async Task<ServiceApp<TProgram>> StartReplicaAsync()
    {
        var replica = NewApp(_options.Settings);
        using var client = replica.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/live")).IsSuccessStatusCode, $"a replica of {typeof(TProgram).Namespace} up");
        return replica;
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on the service's database (Dapper parameters).</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    /// <summary>Runs <paramref name="sql"/> on the service's database.</summary>
    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>The rows of <paramref name="sql"/> on the service's database.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (_ownsVirtualHost)
        {
            await VirtualHost.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private (ServiceApp<TProgram> App, HttpClient Client) Start(IReadOnlyDictionary<string, string?>? settings)
    {
        var app = NewApp(settings);
        if (!_options.OnLoopback)
        {
            return (app, app.CreateClient());
        }

        return (app, new HttpClient { BaseAddress = app.StartOnLoopback(), Timeout = TimeSpan.FromMinutes(2) });
    }

    private ServiceApp<TProgram> NewApp(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = ServiceSettings.For(Database, VirtualHost, _options.RabbitPort);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var clock = _options.Clock;
        var extra = _options.Services;
        return new ServiceApp<TProgram>(all, clock is null && extra is null ? null : services =>
        {
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }

            extra?.Invoke(services);
        });
    }

    /// <summary>
    /// Waits until the service's bus is healthy: every receive endpoint started and its queue bound. A message published
    /// before that (by the test, through the bus) finds no queue bound yet and is dropped by the broker.
    /// </summary>
    public Task WaitBusReadyAsync() =>
        Eventually.TrueAsync(() => Task.FromResult(App.Services.GetRequiredService<IBusControl>().CheckHealth().Status == BusHealthStatus.Healthy),
            $"{typeof(TProgram).Namespace}'s bus ready", TimeSpan.FromSeconds(60));

    private Task WaitLiveAsync() =>
        Eventually.TrueAsync(async () => (await Client.GetAsync("/health/live")).IsSuccessStatusCode, $"{typeof(TProgram).Namespace} up");
}

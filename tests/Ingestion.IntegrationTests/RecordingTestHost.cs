using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>
/// Ingestion on a real loopback port (Kestrel enforces body size limits, TestServer does not) with its own database
/// and vhost (<see cref="ServiceTestHost{TProgram}"/>), plus the queries the transaction, response and import tests share.
/// </summary>
public sealed class RecordingTestHost : IAsyncDisposable
{
    private readonly ServiceTestHost<Program> _host;

    private RecordingTestHost(ServiceTestHost<Program> host) => _host = host;

    public TestDatabase Database => _host.Database;

    public TestVirtualHost VirtualHost => _host.VirtualHost;

    public ServiceApp<Program> App => _host.App;

    public HttpClient Client => _host.Client;

    public static async Task<RecordingTestHost> StartAsync(string purpose, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await ServiceTestHost<Program>.StartAsync(purpose, new ServiceTestHostOptions { Settings = settings }));

    /// <summary>Stops the service and starts a new instance on the same database (a restart).</summary>
    public Task RestartAsync(IReadOnlyDictionary<string, string?>? settings = null, Func<Task>? whileStopped = null) =>
        _host.RestartAsync(settings ?? new Dictionary<string, string?>(), whileStopped);

    public async Task<Guid> CreateCustomerAsync(string source, string externalId)
    {
        var response = await Client.PostAsJsonAsync("/v1/customers", new { source, externalId });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
    }

    /// <summary>Number of outbox messages of an Ingestion event type (e.g. "TransactionsRecorded").</summary>
    public Task<long> OutboxMessagesAsync(string eventName) =>
        ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type", ("type", $"Platform.Contracts.Ingestion.{eventName},%"));

    /// <summary>Number of records across all outbox messages of an event type (the array property <paramref name="records"/>).</summary>
    public Task<long> OutboxRecordsAsync(string eventName, string records) =>
        ScalarAsync<long>(
            "SELECT coalesce(sum(json_array_length(body->@records)), 0)::bigint FROM outbox_messages WHERE message_type LIKE @type",
            ("type", $"Platform.Contracts.Ingestion.{eventName},%"),
            ("records", records));

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        _host.ScalarAsync<T>(sql, Parameters(parameters));

    public Task<List<T>> QueryAsync<T>(string sql, object? parameters = null) => _host.QueryAsync<T>(sql, parameters);

    public Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        _host.ExecuteAsync(sql, Parameters(parameters));

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> whose errors name each of <paramref name="fields"/>; returns the problem.</summary>
    public static Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields) =>
        ProblemAssert.HasProblemAsync(response, status, fields);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static DynamicParameters Parameters((string Name, object Value)[] parameters)
    {
        var bag = new DynamicParameters();
        foreach (var (name, value) in parameters)
        {
            bag.Add(name, value is DBNull ? null : value);
        }

        return bag;
    }
}

/// <summary>One Ingestion host (database, vhost, loopback port) shared by the tests of one class.</summary>
public sealed class RecordingHostFixture : IAsyncLifetime
{
    public RecordingTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RecordingTestHost.StartAsync("recording");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

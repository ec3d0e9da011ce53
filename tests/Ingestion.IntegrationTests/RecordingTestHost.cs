using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>
/// Ingestion on a real loopback port (Kestrel enforces body size limits, TestServer does not) with its own database
/// and vhost, plus the queries the transaction, response and import tests share.
/// </summary>
public sealed class RecordingTestHost : IAsyncDisposable
{
    private RecordingTestHost(TestDatabase database, TestVirtualHost vhost, ServiceApp<Program> app, HttpClient client)
    {
        Database = database;
        VirtualHost = vhost;
        App = app;
        Client = client;
    }

    public TestDatabase Database { get; }

    public TestVirtualHost VirtualHost { get; }

    public ServiceApp<Program> App { get; private set; }

    public HttpClient Client { get; private set; }

    public static async Task<RecordingTestHost> StartAsync(string purpose, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(purpose);
        var vhost = await TestVirtualHost.CreateAsync(purpose);
        var (app, client) = Start(database, vhost, settings);
        var host = new RecordingTestHost(database, vhost, app, client);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/live")).IsSuccessStatusCode, "ingestion up");
        return host;
    }

    /// <summary>Stops the service and starts a new instance on the same database (a restart).</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?>? settings = null, Func<Task>? whileStopped = null)
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        (App, Client) = Start(Database, VirtualHost, settings);
    }

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

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> whose errors name each of <paramref name="fields"/>; returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        foreach (var field in fields)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"problem should name '{field}': {text}");
        }

        return problem;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static (ServiceApp<Program>, HttpClient) Start(TestDatabase database, TestVirtualHost vhost, IReadOnlyDictionary<string, string?>? settings)
    {
        var all = ServiceSettings.For(database, vhost);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new ServiceApp<Program>(all);
        return (app, new HttpClient { BaseAddress = app.StartOnLoopback(), Timeout = TimeSpan.FromMinutes(2) });
    }
}

/// <summary>One Ingestion host (database, vhost, loopback port) shared by the tests of one class.</summary>
public sealed class RecordingHostFixture : IAsyncLifetime
{
    public RecordingTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RecordingTestHost.StartAsync("recording");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

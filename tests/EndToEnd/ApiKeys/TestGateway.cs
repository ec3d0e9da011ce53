using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>
/// The gateway on a real loopback port with a database of its own and the test run's admin key (<c>Admin:ApiKey</c>,
/// the same the services get), and a key holding every scope that <see cref="CreateClient"/> sends unless told otherwise.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly ServiceApp<Gateway.Program> _app;

    private TestGateway(ServiceApp<Gateway.Program> app, TestDatabase database, Uri address)
    {
        _app = app;
        Database = database;
        Address = address;
    }

    /// <summary>A key with all three scopes and a rate no test reaches (created through the admin API).</summary>
    public string AllScopesKey { get; private set; } = "";

    /// <summary>The configured admin key (scope admin only), what <c>deploy/infra.sh</c> puts in <c>PLATFORM_ADMIN_API_KEY</c>.</summary>
    public static string AdminKey => TestServers.AdminApiKey;

    /// <summary>The gateway's base address.</summary>
    public Uri Address { get; }

    /// <summary>The gateway's database (its <c>api_keys</c> table).</summary>
    public TestDatabase Database { get; }

    /// <summary>
    /// Starts a gateway in front of <paramref name="services"/> (e.g. <c>["Services:Ingestion"] = "http://127.0.0.1:1234"</c>);
    /// <paramref name="settings"/> adds or replaces settings (e.g. <c>ApiKeys:*</c>).
    /// </summary>
    public static async Task<TestGateway> StartAsync(string purpose, IReadOnlyDictionary<string, string?> services, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync($"{purpose}_gateway");
        var all = new Dictionary<string, string?>(services, StringComparer.Ordinal)
        {
            ["ConnectionStrings:Database"] = database.ConnectionString,
            ["Admin:ApiKey"] = TestServers.AdminApiKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new ServiceApp<Gateway.Program>(all);
        var gateway = new TestGateway(app, database, app.StartOnLoopback());
        gateway.AllScopesKey = await gateway.CreateKeyAsync("tests: every scope", Scopes.All.ToArray(), requestsPerSecond: 100_000, burst: 1_000_000);
        return gateway;
    }

    /// <summary>
    /// A client of the gateway sending <paramref name="key"/> as bearer token (default: <see cref="AllScopesKey"/>; empty:
    /// none) that gives up on a request after <paramref name="timeout"/> (default 2 minutes).
    /// </summary>
    public HttpClient CreateClient(TimeSpan? timeout = null, string? key = null, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = Address;
        client.Timeout = timeout ?? TimeSpan.FromMinutes(2);
        key ??= AllScopesKey;
        if (key.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Creates a key through the admin API (with the configured admin key) and returns it.</summary>
    public async Task<string> CreateKeyAsync(string name, string[] scopes, int? requestsPerSecond = null, int? burst = null) =>
        (await CreateKeyWithIdAsync(name, scopes, requestsPerSecond, burst)).Key;

    /// <summary>Creates a key through the admin API and returns its id and the key.</summary>
    public async Task<(Guid Id, string Key)> CreateKeyWithIdAsync(string name, string[] scopes, int? requestsPerSecond = null, int? burst = null)
    {
        using var admin = CreateClient(key: AdminKey);
        var response = await admin.PostAsJsonAsync("/admin/keys", new { name, scopes, requestsPerSecond, burst });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating key '{name}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await Database.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

/// <summary>
/// Segmentation with its own database and vhost (schedule off), and customers written straight into its tables so a
/// test controls exactly what scoring and segments see.
/// </summary>
public sealed class SegmentationTestHost : IAsyncDisposable
{
    private readonly ServiceTestHost<Program> _host;

    private SegmentationTestHost(ServiceTestHost<Program> host) => _host = host;

    public TestDatabase Database => _host.Database;

    public TestVirtualHost VirtualHost => _host.VirtualHost;

    public ServiceApp<Program> App => _host.App;

    public HttpClient Client => _host.Client;

    /// <summary>Starts Segmentation on a database and vhost of its own; <paramref name="clock"/> replaces the system clock.</summary>
    public static async Task<SegmentationTestHost> StartAsync(string purpose, IReadOnlyDictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Scoring:Schedule:Enabled"] = "false" };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = await ServiceTestHost<Program>.StartAsync(purpose, new ServiceTestHostOptions { Settings = settings, OnLoopback = false, Clock = clock });
        await host.WaitBusReadyAsync(); // tests publish through the bus right away
        return new(host);
    }

    /// <summary>A second instance of the service on the same database, vhost, settings and clock (a replica); the caller disposes it.</summary>
    public Task<ServiceApp<Program>> StartReplicaAsync() => _host.StartReplicaAsync();

    /// <summary>A profile (and, with <paramref name="orders"/>, one purchase day per order ending at <paramref name="lastPurchase"/>).</summary>
    public async Task<Guid> AddCustomerAsync(
        string externalId, int orders = 0, decimal net = 0, int discountedOrders = 0, DateTimeOffset? lastPurchase = null,
        string lifecycle = "customer", string? country = null, bool? consentEmail = null)
    {
        var id = Guid.NewGuid();
        var last = lastPurchase ?? new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, consent_email, customer_updated_at, created_at)
            VALUES (@id, 'test', @externalId, @lifecycle, @country, @consentEmail, now(), now())
            """, ("id", id), ("externalId", externalId), ("lifecycle", lifecycle), ("country", (object?)country ?? DBNull.Value), ("consentEmail", (object?)consentEmail ?? DBNull.Value));
        if (orders > 0)
        {
            await ExecuteAsync("""
                INSERT INTO customer_purchases (customer_id, orders_count, returns_count, gross_revenue, net_revenue, discount_total, cost_total,
                    costed_net_revenue, discounted_orders_count, purchase_days, first_purchase_at, last_purchase_at, updated_at)
                VALUES (@id, @orders, 0, @net, @net, 0, 0, 0, @discounted, @orders, @first, @last, now());
                INSERT INTO customer_daily_purchases (customer_id, day, is_return, orders_count, gross_revenue, net_revenue, discount_total,
                    cost_total, costed_net_revenue, discounted_orders_count)
                SELECT @id, (@last AT TIME ZONE 'UTC')::date - (i * 30), false, 1, @net / @orders, @net / @orders, 0, 0, 0,
                       CASE WHEN i < @discounted THEN 1 ELSE 0 END
                FROM generate_series(0, @orders - 1) AS i;
                """, ("id", id), ("orders", orders), ("net", net), ("discounted", discountedOrders), ("first", last.AddDays(-30 * (orders - 1))), ("last", last));
        }

        return id;
    }

    /// <summary>Queues a scoring run and waits until it completes; returns the run.</summary>
    public async Task<JsonElement> ScoreAsync(object? request = null)
    {
        var response = await Client.PostAsJsonAsync("/v1/scores/runs", request ?? new { });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var json = await Eventually.ValueAsync(async () =>
        {
            var run = await Client.GetFromJsonAsync<JsonElement>($"/v1/scores/runs/{id}");
            var status = run.GetProperty("status").GetString();
            Assert.True(status != "failed", run.ToString());
            return status == "completed" ? run.GetRawText() : null;
        }, "the scoring run to complete");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) => _host.ExecuteAsync(sql, Parameters(parameters));

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters) => _host.ScalarAsync<T>(sql, Parameters(parameters));

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static DynamicParameters Parameters((string Name, object? Value)[] parameters)
    {
        var bag = new DynamicParameters();
        foreach (var (name, value) in parameters)
        {
            bag.Add(name, value is DBNull ? null : value);
        }

        return bag;
    }
}

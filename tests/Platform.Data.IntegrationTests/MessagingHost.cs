using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// A minimal service (service defaults + database + bus + outbox relay + one consumer) on the real servers, its HTTP
/// API (the default endpoints: health, /admin) on a loopback port.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MessagingHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public IServiceProvider Services => _app.Services;

    public Deliveries Deliveries => Services.GetRequiredService<Deliveries>();

    /// <summary>Client of the host's HTTP API (with the admin key).</summary>
    public HttpClient Client { get; }

    public static async Task<MessagingHost> StartAsync(
        TestDatabase database, TestVirtualHost vhost, int? rabbitPort = null, bool withConsumer = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "datatests" });
        builder.Configuration.AddInMemoryCollection(ServiceSettings.For(database, vhost, rabbitPort));
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults(defaultPort: 0);
        builder.AddDatabase(typeof(MessagingHost).Assembly);
        builder.AddMessaging(bus =>
        {
            if (withConsumer)
            {
                bus.AddConsumer<EffectRequestedConsumer>();
            }
        });
        builder.Services.AddSingleton<Deliveries>();
        builder.Services.AddSingleton<PoisonSwitch>();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        if (withConsumer)
        {
            // the consumer's queue and bindings must exist before anything is published
            await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // The admin key ServiceSettings gives the host, so the client reaches /admin too.
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestServers.AdminApiKey);
        return new MessagingHost(app, client);
    }

    /// <summary>Writes messages to the outbox in one transaction and commits (or rolls back).</summary>
    public async Task<Guid[]> WriteAsync<T>(IReadOnlyList<T> messages, bool commit = true)
        where T : class
    {
        var db = Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var outbox = Services.GetRequiredService<Outbox>();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var ids = await outbox.AddRangeAsync(tx, messages, CancellationToken.None);
        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }

        return ids;
    }

    public async Task<T> QueryScalarAsync<T>(string sql, object? parameters = null)
    {
        var db = Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value: " + sql);
    }

    /// <summary>Stops the host (its consumer stops taking messages); DisposeAsync is still due.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

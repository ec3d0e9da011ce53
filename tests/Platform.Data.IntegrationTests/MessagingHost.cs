using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>A minimal service (database + bus + outbox relay + one consumer) on the real servers.</summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private MessagingHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public Deliveries Deliveries => Services.GetRequiredService<Deliveries>();

    public static async Task<MessagingHost> StartAsync(TestDatabase database, TestVirtualHost vhost, int? rabbitPort = null, bool withConsumer = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "datatests", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(ServiceSettings.For(database, vhost, rabbitPort));
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
        var host = builder.Build();
        await host.StartAsync();
        if (withConsumer)
        {
            // the consumer's queue and bindings must exist before anything is published
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        }

        return new MessagingHost(host);
    }

    /// <summary>Writes messages to the outbox in one transaction and commits (or rolls back).</summary>
    public async Task<Guid[]> WriteAsync(IReadOnlyList<EffectRequested> messages, bool commit = true)
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

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

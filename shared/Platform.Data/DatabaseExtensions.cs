using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Data.Jobs;
using Platform.Data.Migrations;
using Platform.Data.Time;

namespace Platform.Data;

/// <summary>Registers a service's PostgreSQL database: data source, migrations at start, outbox writer, inbox, job scheduler, health check.</summary>
public static class DatabaseExtensions
{
    /// <summary>Name of the connection string every service reads (<c>ConnectionStrings__Database</c>).</summary>
    public const string ConnectionStringName = "Database";

    /// <summary>
    /// Adds the database of this service. <paramref name="migrationsAssembly"/> holds the service's embedded
    /// <c>Migrations/NNNN_*.sql</c> scripts; they run at start after the platform's own (outbox, inbox).
    /// Call before the message bus is added so the schema exists before consumers start.
    /// </summary>
    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder, Assembly migrationsAssembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__{ConnectionStringName} (an Npgsql connection string) in the environment.");
        }

        DapperConfiguration.Apply();
        // Commands run outside any trace (background polls: outbox relay, workers) are not traced: an idle service
        // would otherwise export a span per poll. Commands of a request or a consumed message still are. Physical
        // connection opens have no such filter (a poll after the pool pruned would open one), so they are not traced.
        builder.Services.AddNpgsqlDataSource(connectionString, dataSource =>
        {
            ApplyPoolDefaults(dataSource.ConnectionStringBuilder);
            dataSource.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null)
                .EnablePhysicalOpenTracing(false));
        });
        builder.Services.TryAddTimeProvider(builder.Configuration);
        builder.Services.AddSingleton(new ServiceMigrations(migrationsAssembly));
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddSingleton<Inbox>();
        builder.Services.AddSingleton<OutboxParking>();
        builder.Services.AddSingleton<OutboxBacklog>();
        builder.Services.AddMetrics();
        builder.Services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection("Outbox"));
        builder.Services.AddJobScheduler(builder.Configuration); // after the migrations: hosted services start in order
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>Statements a connection prepares automatically unless the connection string says otherwise (<c>Max Auto Prepare</c>).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The platform's pool settings, each unless the connection string sets it: Npgsql prepares the statements a
    /// connection runs repeatedly (<c>Max Auto Prepare</c>, after 2 uses), and a connection returned to the pool is not
    /// reset (<c>No Reset On Close</c>). Measured on the ingest benchmark (docs/ingestion-performance.md): every group
    /// commit, relay round and consumed event opens a pooled connection, and the reset (DISCARD ALL, or with prepared
    /// statements a seven-statement RESET ALL … DISCARD TEMP) plus parsing and planning the same statements again
    /// (the consumers' are large CTEs: ~1–3 ms to plan, ~0.3 ms to run) was a good part of PostgreSQL's CPU.
    /// Skipping the reset is safe because no service leaves session state behind: temporary tables are
    /// <c>ON COMMIT DROP</c>, settings are <c>SET LOCAL</c>, advisory locks are transaction-scoped except the migration
    /// runner's, which it releases itself, and an open transaction is still rolled back when a connection is returned.
    /// </summary>
    public static void ApplyPoolDefaults(NpgsqlConnectionStringBuilder connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        // The builder answers every known keyword (with its default), so what the connection string itself set is read
        // from its text.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString.ConnectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!given.Contains("MAXAUTOPREPARE"))
        {
            connectionString.MaxAutoPrepare = DefaultMaxAutoPrepare;
            connectionString.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("NORESETONCLOSE"))
        {
            connectionString.NoResetOnClose = true;
        }
    }

    /// <summary>
    /// The service's clock, unless one is registered already (a test's manual clock): the system clock, or a
    /// <see cref="SimulatedClock"/> when <c>Clock:Start</c> is configured (demo and end-to-end runs; its admin endpoints
    /// are mapped by the service defaults).
    /// </summary>
    public static IServiceCollection TryAddTimeProvider(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            return services;
        }

        if (SimulatedClock.ParseStart(configuration[SimulatedClock.StartKey]) is { } start)
        {
            var clock = new SimulatedClock(start);
            services.AddSingleton(clock);
            services.AddSingleton<TimeProvider>(clock);
        }
        else
        {
            services.AddSingleton(TimeProvider.System);
        }

        return services;
    }
}

/// <summary>Ready when the service's database answers a query.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}

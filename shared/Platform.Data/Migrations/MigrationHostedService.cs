using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Platform.Data.Migrations;

/// <summary>
/// Migrates the service's database when the host starts, before anything else that touches it (it is registered
/// ahead of the message bus). Waits for PostgreSQL with a bounded retry so a service may start before its database.
/// </summary>
internal sealed class MigrationHostedService(MigrationRunner runner, ServiceMigrations migrations, ILogger<MigrationHostedService> logger) : IHostedService
{
    private static readonly ResiliencePipeline StartupRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Npgsql.NpgsqlException>(e => e.IsTransient || e.InnerException is System.Net.Sockets.SocketException),
            MaxRetryAttempts = 15,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
            UseJitter = true,
        })
        .Build();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scripts = MigrationRunner.ScriptsFor(migrations.Assembly);
        var applied = await StartupRetry.ExecuteAsync(async ct => await runner.MigrateAsync(scripts, ct), cancellationToken);
        logger.LogInformation("Database schema up to date ({Applied} of {Total} migrations applied now)", applied, scripts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The assembly holding a service's own migrations.</summary>
internal sealed record ServiceMigrations(Assembly Assembly);

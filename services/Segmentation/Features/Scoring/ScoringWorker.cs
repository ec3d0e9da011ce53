using Dapper;
using Npgsql;

namespace Segmentation.Features.Scoring;

/// <summary>When scores are recomputed on a schedule: every day at <see cref="DailyAtUtc"/>, unless disabled.</summary>
public sealed class ScoringScheduleOptions
{
    /// <summary>False turns the schedule off (runs are then only requested through the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time of day (UTC) of the daily run.</summary>
    public TimeOnly DailyAtUtc { get; set; } = new(2, 0);
}

/// <summary>
/// Executes queued scoring runs (oldest first; an interrupted run is taken up again after a restart) and queues the
/// daily run. Several replicas may run this: a run is claimed under an advisory lock, the daily run is queued once.
/// </summary>
public sealed partial class ScoringWorker(
    NpgsqlDataSource dataSource, ScoringRequests queue, ScoringRunner runner, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<ScoringScheduleOptions> schedule, ILogger<ScoringWorker> logger) : BackgroundService
{
    private const string NextRunSql = """
        SELECT id FROM score_runs WHERE status IN ('queued', 'running') ORDER BY requested_at, id LIMIT 1
        """;

    // Queued at most once per scheduled moment, whichever replica gets there first.
    private const string ScheduledExistsSql = """
        SELECT EXISTS (SELECT 1 FROM score_runs WHERE trigger = 'schedule' AND requested_at >= @Due)
        """;

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await QueueScheduledRunAsync(stoppingToken);
                while (await NextRunAsync(stoppingToken) is { } runId)
                {
                    await runner.ExecuteAsync(runId, stoppingToken);
                }

                await queue.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The worker outlives any single failure (database down, a bad row): it logs and tries again later.
                LogUnavailable(logger, e);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task<Guid?> NextRunAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(NextRunSql, cancellationToken: ct));
    }

    private async Task QueueScheduledRunAsync(CancellationToken ct)
    {
        if (!schedule.Value.Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        var today = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime), schedule.Value.DailyAtUtc, TimeSpan.Zero);
        var due = now >= today ? today : today.AddDays(-1);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ScheduledExistsSql, new { Due = due }, cancellationToken: ct)))
            {
                return;
            }
        }

        await queue.EnqueueAsync(asOf: null, modelFitId: null, "schedule", ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring worker failed to look for or queue runs; retrying")]
    private static partial void LogUnavailable(ILogger logger, Exception e);
}

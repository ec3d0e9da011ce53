using Microsoft.Extensions.Options;
using Platform.Data.Jobs;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Executes scoring runs as jobs of the platform's scheduler: those queued through the API, and the daily run (a
/// periodic job, so once per due time whatever the number of replicas). One run at a time per instance; the runner
/// serializes runs across replicas too. A run that fails is recorded failed on the run (previous scores stay) and its
/// job is dead: a failed run is not repeated on its own.
/// </summary>
public sealed class ScoringJobHandler(ScoringRequests requests, ScoringRunner runner) : IJobHandler<RunScoring>
{
    /// <summary>The job kind of scoring runs.</summary>
    public static readonly JobKind<RunScoring> Kind = new("segmentation.scoring-run");

    /// <summary>Registers the handler and, when <c>Scoring__Schedule__Enabled</c>, the daily run.</summary>
    public static IServiceCollection AddScoringJobs(IServiceCollection services)
    {
        services.AddJob<RunScoring, ScoringJobHandler>(Kind, o => o.Concurrency = 1);
        services.AddPeriodicJob(Kind, new RunScoring(null), provider =>
            provider.GetRequiredService<IOptions<ScoringScheduleOptions>>().Value is { Enabled: true } schedule ? JobSchedule.DailyAt(schedule.DailyAtUtc) : null);
        return services;
    }

    public async Task RunAsync(RunScoring payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(job);
        // The daily run's id is its job's: an attempt that follows an interrupted one continues the same run.
        var runId = payload.RunId ?? await requests.EnsureScheduledRunAsync(job.Id, ct);
        if (!await runner.ExecuteAsync(runId, ct))
        {
            throw new JobFailedException($"scoring run {runId} failed (see GET /v1/scores/runs/{runId})");
        }
    }
}

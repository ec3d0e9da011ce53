using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Data.Jobs;

/// <summary>
/// Runs the jobs of the kinds registered in this process. Several replicas may run: each claims due jobs with
/// <c>FOR UPDATE SKIP LOCKED</c> and holds them under a lease it renews while the handler runs; a worker that dies
/// stops renewing, and its job is taken over once the lease has passed. A failed attempt is retried with exponential
/// backoff until the job's attempts run out, then the job is dead (kept for inspection). Every attempt leaves a row in
/// <c>job_runs</c>. Periodic jobs are enqueued by every replica with their due time as unique key, so each due time
/// runs once. Woken by <see cref="JobSignal"/> for local work; polls for the rest. A poll that finds nothing runs
/// outside any <see cref="Activity"/> (nothing is traced); each claimed run has its own.
/// </summary>
public sealed partial class JobScheduler : BackgroundService
{
    private const string DueKindsSql = """
        SELECT DISTINCT kind FROM jobs
        WHERE status IN ('queued', 'running') AND due_at <= @Now AND kind = ANY(@Kinds)
          AND (status = 'queued' OR lease_until < @Now)
        """;

    // Takes due jobs (queued, or running under a lease that passed: their worker died), marks an abandoned attempt as
    // such, and starts an attempt with its history row, all in one statement.
    private const string ClaimSql = """
        WITH next AS (
            SELECT id FROM jobs
            WHERE kind = @Kind AND status IN ('queued', 'running') AND due_at <= @Now AND (status = 'queued' OR lease_until < @Now)
            ORDER BY due_at, id
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED),
        abandoned AS (
            UPDATE job_runs r SET outcome = 'abandoned', finished_at = @Now, error = 'the worker''s lease expired before the attempt ended'
            FROM next WHERE r.job_id = next.id AND r.outcome = 'running'),
        claimed AS (
            UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = @Owner, lease_until = @LeaseUntil,
                              started_at = coalesce(j.started_at, @Now)
            FROM next WHERE j.id = next.id
            RETURNING j.id, j.kind, j.unique_key, j.payload::text AS payload, j.due_at, j.attempts, j.max_attempts, j.trace_parent, j.trace_state),
        runs AS (
            INSERT INTO job_runs (job_id, attempt, worker, started_at, outcome)
            SELECT id, attempts, @Owner, @Now, 'running' FROM claimed
            RETURNING job_id, id)
        SELECT c.id AS Id, c.kind AS Kind, c.unique_key AS UniqueKey, c.payload AS Payload, c.due_at AS DueAt, c.attempts AS Attempt,
               c.max_attempts AS MaxAttempts, c.trace_parent AS TraceParent, c.trace_state AS TraceState, runs.id AS RunId
        FROM claimed c JOIN runs ON runs.job_id = c.id
        ORDER BY c.due_at, c.id
        """;

    private const string RenewSql = """
        UPDATE jobs SET lease_until = @LeaseUntil
        WHERE id = @Id AND status = 'running' AND lease_owner = @Owner AND attempts = @Attempt
        """;

    // Each ending is guarded by the lease: a worker that lost its job (lease passed, taken over) changes nothing of it.
    private const string SucceededSql = """
        WITH done AS (
            UPDATE jobs SET status = 'succeeded', finished_at = @Now, lease_owner = NULL, lease_until = NULL, last_error = NULL
            WHERE id = @Id AND status = 'running' AND lease_owner = @Owner AND attempts = @Attempt)
        UPDATE job_runs SET outcome = 'succeeded', finished_at = @Now WHERE id = @RunId AND outcome = 'running'
        """;

    private const string FailedSql = """
        WITH done AS (
            UPDATE jobs SET status = CASE WHEN @Dead THEN 'dead' ELSE 'queued' END,
                            due_at = CASE WHEN @Dead THEN due_at ELSE @RetryAt END,
                            finished_at = CASE WHEN @Dead THEN @Now END,
                            lease_owner = NULL, lease_until = NULL, last_error = @Error
            WHERE id = @Id AND status = 'running' AND lease_owner = @Owner AND attempts = @Attempt)
        UPDATE job_runs SET outcome = 'failed', finished_at = @Now, error = @Error WHERE id = @RunId AND outcome = 'running'
        """;

    // A deferral is no attempt: the count goes back and the history row goes.
    private const string DeferredSql = """
        WITH done AS (
            UPDATE jobs SET status = 'queued', due_at = @RetryAt, attempts = attempts - 1, lease_owner = NULL, lease_until = NULL
            WHERE id = @Id AND status = 'running' AND lease_owner = @Owner AND attempts = @Attempt)
        DELETE FROM job_runs WHERE id = @RunId AND outcome = 'running'
        """;

    private const string CleanupSql = "DELETE FROM jobs WHERE finished_at < @Before";

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _db;
    private readonly JobSignal _signal;
    private readonly JobStore _store;
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, JobRegistration> _kinds;
    private readonly IReadOnlyList<PeriodicJobRegistration> _periodic;
    private readonly IOptions<JobSchedulerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobScheduler> _logger;
    private readonly ConcurrentDictionary<string, int> _busy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private CancellationToken _stopping;

    /// <summary>Created by DI.</summary>
    internal JobScheduler(
        NpgsqlDataSource db, JobSignal signal, JobStore store, IServiceProvider services, IEnumerable<JobRegistration> registrations,
        IEnumerable<PeriodicJobRegistration> periodic, IOptions<JobSchedulerOptions> options, TimeProvider time, ILogger<JobScheduler> logger)
    {
        _db = db;
        _signal = signal;
        _store = store;
        _services = services;
        _kinds = new Dictionary<string, JobRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (!_kinds.TryAdd(registration.Kind, registration))
            {
                throw new InvalidOperationException($"Job kind '{registration.Kind}' has two handlers.");
            }
        }

        _periodic = periodic.ToList();
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>This scheduler's name as lease owner and in the run history: host, process and a random part (several may share a process).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Polls are not traced: a service that waits for work emits no spans. (Set here, it holds for this loop only.)
        Activity.Current = null;
        _stopping = stoppingToken;
        var schedules = SchedulesToRun();
        if (_kinds.Count == 0)
        {
            return;
        }

        var options = _options.Value;
        var enqueuedDue = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var nextCleanup = _time.GetUtcNow();
        var errorDelay = options.PollInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimedAll = false;
                var claimed = 0;
                try
                {
                    await EnqueuePeriodicAsync(schedules, enqueuedDue, stoppingToken);
                    (claimed, claimedAll) = await ClaimAndStartAsync(stoppingToken);
                    if (_time.GetUtcNow() >= nextCleanup)
                    {
                        await CleanupAsync(stoppingToken);
                        nextCleanup = _time.GetUtcNow() + CleanupInterval;
                    }

                    errorDelay = options.PollInterval;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The database is away, most likely: nothing is lost (jobs wait in their table); look again later.
                    LogRoundFailed(_logger, e, errorDelay);
                    await _signal.WaitAsync(errorDelay, stoppingToken);
                    errorDelay = TimeSpan.FromTicks(Math.Min(errorDelay.Ticks * 2, Math.Max(MaxErrorDelay.Ticks, options.PollInterval.Ticks)));
                    continue;
                }

                if (claimedAll)
                {
                    continue; // more may be due
                }

                await _signal.WaitForNextRoundAsync(foundWork: claimed > 0, options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Runs end on the stopping token; their jobs stay leased and are taken again once the lease has passed.
            await Task.WhenAll(_running.Values);
        }
    }

    private List<(PeriodicJobRegistration Job, JobSchedule Schedule)> SchedulesToRun()
    {
        var schedules = new List<(PeriodicJobRegistration, JobSchedule)>();
        foreach (var periodic in _periodic)
        {
            if (periodic.Schedule(_services) is not { } schedule)
            {
                continue;
            }

            if (!_kinds.ContainsKey(periodic.Kind))
            {
                throw new InvalidOperationException($"Periodic job '{periodic.Kind}' has no handler: register it with AddJob.");
            }

            if (schedule.Period >= _options.Value.Retention)
            {
                // Its unique keys must outlive its period, or a cleaned-up due time would run again.
                throw new InvalidOperationException($"Periodic job '{periodic.Kind}' runs {schedule}: Jobs__Retention must be longer than that.");
            }

            LogPeriodic(_logger, periodic.Kind, schedule.ToString());
            schedules.Add((periodic, schedule));
        }

        return schedules;
    }

    /// <summary>Enqueues each periodic job's latest due time, once per due time and process; replicas' duplicates are no-ops.</summary>
    private async Task EnqueuePeriodicAsync(List<(PeriodicJobRegistration Job, JobSchedule Schedule)> schedules, Dictionary<string, DateTimeOffset> enqueuedDue, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        foreach (var (job, schedule) in schedules)
        {
            var due = schedule.LatestAtOrBefore(now);
            if (enqueuedDue.TryGetValue(job.Kind, out var done) && done >= due)
            {
                continue;
            }

            var enqueued = await _store.EnqueueAsync(job.Kind, job.PayloadJson, due, JobSchedule.KeyOf(due), ct);
            enqueuedDue[job.Kind] = due;
            if (enqueued.Created)
            {
                LogPeriodicEnqueued(_logger, job.Kind, due);
            }
        }
    }

    /// <summary>Claims due jobs of the kinds with free slots and starts them; returns how many, and whether some kind filled all its free slots.</summary>
    private async Task<(int Claimed, bool FilledSlots)> ClaimAndStartAsync(CancellationToken ct)
    {
        var free = _kinds.Values
            .Select(k => (k.Kind, Free: k.Options.Concurrency - _busy.GetValueOrDefault(k.Kind)))
            .Where(k => k.Free > 0)
            .ToDictionary(k => k.Kind, k => k.Free, StringComparer.Ordinal);
        if (free.Count == 0)
        {
            return (0, false); // all busy: a finishing run signals
        }

        var now = _time.GetUtcNow();
        await using var connection = await _db.OpenConnectionAsync(ct);
        var dueKinds = (await connection.QueryAsync<string>(new CommandDefinition(DueKindsSql, new { Now = now, Kinds = free.Keys.ToArray() }, cancellationToken: ct))).AsList();
        var (claimed, filled) = (0, false);
        foreach (var kind in dueKinds)
        {
            var jobs = (await connection.QueryAsync<ClaimedJob>(new CommandDefinition(ClaimSql, new
            {
                Kind = kind,
                Now = now,
                Limit = free[kind],
                Owner = WorkerId,
                LeaseUntil = now + _options.Value.LeaseDuration,
            }, cancellationToken: ct))).AsList();
            foreach (var job in jobs)
            {
                Start(job);
            }

            claimed += jobs.Count;
            filled |= jobs.Count == free[kind];
        }

        return (claimed, filled);
    }

    private void Start(ClaimedJob job)
    {
        _busy.AddOrUpdate(job.Kind, 1, (_, n) => n + 1);
        var run = Task.Run(async () =>
        {
            try
            {
                await RunAsync(job);
            }
            finally
            {
                _busy.AddOrUpdate(job.Kind, 0, (_, n) => n - 1);
                _running.TryRemove(job.RunId, out _);
                _signal.Notify(); // a slot is free
            }
        });
        _running[job.RunId] = run;
    }

    /// <summary>One attempt: the handler under a renewed lease, then its ending recorded (never throws).</summary>
    private async Task RunAsync(ClaimedJob job)
    {
        var registration = _kinds[job.Kind];
        ActivityContext.TryParse(job.TraceParent, job.TraceState, isRemote: true, out var parent);
        using var activity = PlatformTelemetry.Source.StartActivity($"job {job.Kind}", ActivityKind.Internal, parent);
        activity?.SetTag("job.id", job.Id);
        activity?.SetTag("job.kind", job.Kind);
        activity?.SetTag("job.attempt", job.Attempt);

        using var handlerStop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, handlerStop, heartbeatStop.Token);
        Exception? failure = null;
        try
        {
            if (job.Attempt > job.MaxAttempts)
            {
                throw new JobFailedException($"abandoned by its worker on every one of its {job.MaxAttempts} attempts (did the handler bring its process down?)");
            }

            var context = new JobContext(job.Id, job.Kind, job.UniqueKey, job.DueAt, job.Attempt, job.MaxAttempts);
            await using var scope = _services.CreateAsyncScope();
            await registration.Run(scope.ServiceProvider, job.Payload, context, handlerStop.Token);
        }
        catch (OperationCanceledException) when (handlerStop.IsCancellationRequested)
        {
            // Shutdown, or the lease was lost: the job is left to whoever takes it after the lease.
            LogStopped(_logger, job.Kind, job.Id, job.Attempt);
            activity?.SetStatus(ActivityStatusCode.Error, "stopped");
            await heartbeatStop.CancelAsync();
            await heartbeat;
            return;
        }
        catch (Exception e)
        {
            failure = e;
        }

        await heartbeatStop.CancelAsync();
        await heartbeat;
        try
        {
            await RecordEndingAsync(job, registration.Options, failure, activity);
        }
        catch (Exception e)
        {
            // The ending could not be written (database away): the lease passes and the job runs again.
            LogEndingNotRecorded(_logger, e, job.Kind, job.Id);
        }
    }

    private async Task RecordEndingAsync(ClaimedJob job, JobKindOptions options, Exception? failure, Activity? activity)
    {
        var now = _time.GetUtcNow();
        var tags = new KeyValuePair<string, object?>("job.kind", job.Kind);
        await using var connection = await _db.OpenConnectionAsync(CancellationToken.None);
        switch (failure)
        {
            case null:
                await connection.ExecuteAsync(new CommandDefinition(SucceededSql, Ending(job, now)));
                PlatformTelemetry.JobsSucceeded.Add(1, tags);
                return;

            case JobDeferredException deferred:
                var deferredUntil = deferred.Until ?? now + deferred.Delay;
                await connection.ExecuteAsync(new CommandDefinition(DeferredSql, Ending(job, now, retryAt: deferredUntil)));
                LogDeferred(_logger, job.Kind, job.Id, deferred.Message, deferredUntil - now);
                return;

            default:
                var dead = failure is JobFailedException || job.Attempt >= job.MaxAttempts;
                var retryAt = now + options.BackoffAfter(job.Attempt);
                await connection.ExecuteAsync(new CommandDefinition(FailedSql, Ending(job, now, retryAt, dead, Describe(failure))));
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                PlatformTelemetry.JobsFailed.Add(1, tags);
                if (dead)
                {
                    PlatformTelemetry.JobsDead.Add(1, tags);
                    LogDead(_logger, failure, job.Kind, job.Id, job.Attempt);
                }
                else
                {
                    LogRetrying(_logger, failure, job.Kind, job.Id, job.Attempt, retryAt);
                }

                return;
        }
    }

    private object Ending(ClaimedJob job, DateTimeOffset now, DateTimeOffset? retryAt = null, bool dead = false, string? error = null) => new
    {
        job.Id,
        job.RunId,
        job.Attempt,
        Owner = WorkerId,
        Now = now,
        RetryAt = retryAt ?? now,
        Dead = dead,
        Error = error,
    };

    private static string Describe(Exception e) =>
        e is JobFailedException { InnerException: { } inner } ? $"{e.Message}: {inner.GetType().Name}: {inner.Message}" : $"{e.GetType().Name}: {e.Message}";

    /// <summary>Renews the lease every third of its duration; when it cannot (the job was taken over), stops the handler.</summary>
    private async Task HeartbeatAsync(ClaimedJob job, CancellationTokenSource handlerStop, CancellationToken stop)
    {
        var lease = _options.Value.LeaseDuration;
        using var timer = new PeriodicTimer(lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await using var connection = await _db.OpenConnectionAsync(stop);
                    var renewed = await connection.ExecuteAsync(new CommandDefinition(RenewSql, new
                    {
                        job.Id,
                        job.Attempt,
                        Owner = WorkerId,
                        LeaseUntil = _time.GetUtcNow() + lease,
                    }, cancellationToken: stop));
                    if (renewed == 0)
                    {
                        LogLeaseLost(_logger, job.Kind, job.Id);
                        await handlerStop.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // Try again at the next tick; if the lease passes meanwhile, the renewal finds the job taken.
                    LogRenewFailed(_logger, e, job.Kind, job.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task CleanupAsync(CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(CleanupSql, new { Before = _time.GetUtcNow() - _options.Value.Retention }, cancellationToken: ct));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Periodic job {Kind} runs {Schedule}")]
    private static partial void LogPeriodic(ILogger logger, string kind, string schedule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Periodic job {Kind} enqueued for {DueAt:O}")]
    private static partial void LogPeriodicEnqueued(ILogger logger, string kind, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job scheduler round failed; looking again in {Delay}")]
    private static partial void LogRoundFailed(ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Kind} {JobId} attempt {Attempt} stopped (shutdown or lease lost); it is taken again after its lease")]
    private static partial void LogStopped(ILogger logger, string kind, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {JobId}: its ending could not be recorded; it runs again after its lease")]
    private static partial void LogEndingNotRecorded(ILogger logger, Exception error, string kind, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Kind} {JobId} deferred ({Reason}) for {Delay}")]
    private static partial void LogDeferred(ILogger logger, string kind, Guid jobId, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {JobId} attempt {Attempt} failed; retrying at {RetryAt:O}")]
    private static partial void LogRetrying(ILogger logger, Exception error, string kind, Guid jobId, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Kind} {JobId} is dead after attempt {Attempt}")]
    private static partial void LogDead(ILogger logger, Exception error, string kind, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {JobId}: lease lost (taken over after it passed); stopping this attempt")]
    private static partial void LogLeaseLost(ILogger logger, string kind, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Kind} {JobId}: lease renewal failed; trying again")]
    private static partial void LogRenewFailed(ILogger logger, Exception error, string kind, Guid jobId);

    private sealed record ClaimedJob(
        Guid Id, string Kind, string? UniqueKey, string Payload, DateTimeOffset DueAt, int Attempt, int MaxAttempts, string? TraceParent, string? TraceState, long RunId);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Jobs;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>The job scheduler on a real database: each test has its own job kind, so leftovers of one are nobody's work in another.</summary>
public sealed class JobSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(JobSchedulerTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task TwoSchedulers_RunEveryJobOnce()
    {
        var kind = new JobKind<TestJob>("test.once");
        var probe = new JobProbe();
        var clock = new ManualClock(Start);
        await using var a = await JobsHost.StartAsync(_database, kind, probe, clock, o => o.Concurrency = 4);
        await using var b = await JobsHost.StartAsync(_database, kind, probe, clock, o => o.Concurrency = 4);

        var ids = new List<Guid>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add((await (i % 2 == 0 ? a : b).Store.EnqueueAsync(kind, new TestJob($"job-{i}"))).Id);
        }

        await Eventually.TrueAsync(async () => await a.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'test.once' AND status = 'succeeded'") == 120, "every job to succeed");
        Assert.Equal(ids.Order(), probe.Runs.Select(r => r.JobId).Order());
        Assert.Equal(120L, await a.ScalarAsync<long>("SELECT count(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.kind = 'test.once' AND r.outcome = 'succeeded'"));
        Assert.Equal(120L, await a.ScalarAsync<long>("SELECT count(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.kind = 'test.once'"));
    }

    [Fact]
    public async Task WorkerThatStops_LeavesItsJobLeased_ThenAnotherTakesItOverAfterTheLease()
    {
        var kind = new JobKind<TestJob>("test.takeover");
        var probe = new JobProbe();
        var clock = new ManualClock(Start);
        var first = await JobsHost.StartAsync(_database, kind, probe, clock);
        var firstWorker = first.WorkerId;
        var job = await first.Store.EnqueueAsync(kind, new TestJob("block-first"));
        await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Any(r => r.JobId == job.Id)), "the first attempt to start");
        await first.DisposeAsync(); // its worker is gone; the lease it held runs until Start + 30 s

        await using var second = await JobsHost.StartAsync(_database, kind, probe, clock);
        var marker = await second.Store.EnqueueAsync(kind, new TestJob("marker"));
        await Eventually.TrueAsync(async () => await second.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @Id", new { marker.Id }) == "succeeded", "the marker job");
        Assert.Equal(1, probe.Runs.Count(r => r.JobId == job.Id)); // under its lease, nobody else took it

        clock.Advance(TimeSpan.FromSeconds(31));
        await Eventually.TrueAsync(async () => await second.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @Id", new { job.Id }) == "succeeded", "the job to be taken over");

        var runs = await second.QueryAsync<(int Attempt, string Worker, string Outcome)>("SELECT attempt, worker, outcome FROM job_runs WHERE job_id = @Id ORDER BY attempt", new { job.Id });
        Assert.Equal([(1, firstWorker, "abandoned"), (2, second.WorkerId, "succeeded")], runs);
    }

    [Fact]
    public async Task FailingJob_IsRetriedWithExponentialBackoff_ThenDead_WithAHistoryRowPerAttempt()
    {
        var kind = new JobKind<TestJob>("test.retry");
        var probe = new JobProbe();
        var clock = new ManualClock(Start);
        await using var host = await JobsHost.StartAsync(_database, kind, probe, clock, o =>
        {
            o.MaxAttempts = 3;
            o.RetryDelay = TimeSpan.FromSeconds(10);
        });
        var job = await host.Store.EnqueueAsync(kind, new TestJob("fail"));

        // Attempt 1 fails: queued again 10 s later (by the clock), not before.
        await WaitForAttemptsAsync(host, job.Id, 1, "queued");
        Assert.Equal(Start.AddSeconds(10), await host.ScalarAsync<DateTimeOffset>("SELECT due_at FROM jobs WHERE id = @Id", new { job.Id }));
        clock.Advance(TimeSpan.FromSeconds(10));

        // Attempt 2 fails: the wait doubles.
        await WaitForAttemptsAsync(host, job.Id, 2, "queued");
        Assert.Equal(Start.AddSeconds(30), await host.ScalarAsync<DateTimeOffset>("SELECT due_at FROM jobs WHERE id = @Id", new { job.Id }));
        clock.Advance(TimeSpan.FromSeconds(20));

        // Attempt 3 was the last: dead, kept with its error.
        await WaitForAttemptsAsync(host, job.Id, 3, "dead");
        Assert.Contains("fail failed on attempt 3", await host.ScalarAsync<string>("SELECT last_error FROM jobs WHERE id = @Id", new { job.Id }), StringComparison.Ordinal);
        var runs = await host.QueryAsync<(int Attempt, string Outcome, string Error)>("SELECT attempt, outcome, error FROM job_runs WHERE job_id = @Id ORDER BY attempt", new { job.Id });
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        Assert.All(runs, r => Assert.Equal("failed", r.Outcome));
        Assert.All(runs, r => Assert.Contains($"failed on attempt {r.Attempt}", r.Error, StringComparison.Ordinal));
        Assert.Equal(3, probe.Runs.Count(r => r.JobId == job.Id));
    }

    [Fact]
    public async Task DeferredUntilATime_IsDueThen_EvenWhenTheClockJumpedBeforeTheEndingWasRecorded()
    {
        var kind = new JobKind<TestJob>("test.defer-until");
        var probe = new JobProbe { DeferUntil = Start.AddHours(1) };
        var clock = new ManualClock(Start);
        await using var host = await JobsHost.StartAsync(_database, kind, probe, clock);
        var job = await host.Store.EnqueueAsync(kind, new TestJob("defer-until"));
        await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Count(r => r.JobId == job.Id) == 1), "the first run started");

        // A day passes while the handler decides (a simulated clock jumping): the job is due at the time it named, so it
        // runs again at once; a wait measured from the jump would have put it a day later.
        clock.Advance(TimeSpan.FromDays(1));
        probe.Release.SetResult();
        await Eventually.TrueAsync(async () => await host.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @Id", new { job.Id }) == "succeeded", "the job to run again and succeed");
        Assert.Equal(2, probe.Runs.Count(r => r.JobId == job.Id));
    }

    [Fact]
    public async Task PeriodicJob_WithTwoReplicas_RunsOncePerDueTime()
    {
        var kind = new JobKind<TestJob>("test.periodic");
        var probe = new JobProbe();
        var clock = new ManualClock(Start);
        var hourly = JobSchedule.Every(TimeSpan.FromHours(1));
        await using var a = await JobsHost.StartAsync(_database, kind, probe, clock, periodic: hourly);
        await using var b = await JobsHost.StartAsync(_database, kind, probe, clock, periodic: hourly);

        // 10:30: both replicas enqueue the 10:00 occurrence (the latest due), which runs once. The clock moves on only
        // after a run is recorded as finished: moving it while a run is still open would expire its lease, and a
        // takeover of an expired lease is the scheduler working as designed (at least once), not a double run.
        async Task<bool> SucceededAsync(long count) =>
            await a.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'test.periodic' AND status = 'succeeded'") == count;
        await Eventually.TrueAsync(() => SucceededAsync(1), "the 10:00 run");
        clock.Advance(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(() => SucceededAsync(2), "the 11:00 run");
        clock.Advance(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(() => SucceededAsync(3), "the 12:00 run");

        Assert.Equal(["2026-03-01T10:00:00.0000000Z", "2026-03-01T11:00:00.0000000Z", "2026-03-01T12:00:00.0000000Z"], probe.Runs.Select(r => r.UniqueKey).Order());
        Assert.Equal(3L, await a.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'test.periodic'"));
    }

    [Fact]
    public async Task Enqueue_InARolledBackTransaction_LeavesNoJob_AndAUniqueKeyGivesTheExistingJob()
    {
        var kind = new JobKind<TestJob>("test.enqueue");
        var probe = new JobProbe();
        await using var host = await JobsHost.StartAsync(_database, kind, probe, new ManualClock(Start));
        var db = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();

        await using (var connection = await db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await host.Store.EnqueueAsync(tx, kind, new TestJob("rolled-back"));
            await tx.RollbackAsync();
        }

        EnqueuedJob committed;
        await using (var connection = await db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            committed = await host.Store.EnqueueAsync(tx, kind, new TestJob("committed"), uniqueKey: "k1");
            await tx.CommitAsync();
        }

        var again = await host.Store.EnqueueAsync(kind, new TestJob("second with k1"), uniqueKey: "k1");

        await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Any(r => r.JobId == committed.Id)), "the committed job");
        Assert.True(committed.Created);
        Assert.Equal(new EnqueuedJob(committed.Id, Created: false), again);
        Assert.Equal(["committed"], probe.Runs.Select(r => r.Name));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'test.enqueue'"));
    }

    [Fact]
    public async Task LocalEnqueue_WakesTheScheduler_WithoutWaitingForThePoll()
    {
        var kind = new JobKind<TestJob>("test.wake");
        var probe = new JobProbe();
        await using var host = await JobsHost.StartAsync(_database, kind, probe, new ManualClock(Start), pollInterval: "01:00:00");
        var first = await host.Store.EnqueueAsync(kind, new TestJob("first"));
        await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Any(r => r.JobId == first.Id)), "the first job");

        // The poll is an hour away: only the wake signal can start this one within the wait.
        var second = await host.Store.EnqueueAsync(kind, new TestJob("second"));
        await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Any(r => r.JobId == second.Id)), "the second job", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task EachRun_HasAnActivityOfItsOwn_ContinuingTheEnqueuersTrace_AndCountsInTheMetrics()
    {
        var kind = new JobKind<TestJob>("test.traced");
        var probe = new JobProbe();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PlatformTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PlatformTelemetry.Name && instrument.Name.StartsWith("platform.jobs.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "job.kind" && (string?)t.Value == "test.traced"))
            {
                outcomes.Add(instrument.Name);
            }
        });
        meters.Start();
        await using var host = await JobsHost.StartAsync(_database, kind, probe, new ManualClock(Start), o => o.MaxAttempts = 1);

        using (var request = new Activity("test request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await host.Store.EnqueueAsync(kind, new TestJob("traced"));
            await host.Store.EnqueueAsync(kind, new TestJob("fail-traced"));
            await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Count == 2), "both jobs");
            Assert.All(probe.Activities, a =>
            {
                Assert.Equal("job test.traced", a?.DisplayName);
                Assert.Equal(request.TraceId, a!.TraceId);
            });
            Assert.NotEqual(probe.Activities[0]!.SpanId, probe.Activities[1]!.SpanId);
        }

        await Eventually.TrueAsync(() => Task.FromResult(outcomes.Count == 3), "the succeeded, failed and dead counts");
        Assert.Equal(["platform.jobs.dead", "platform.jobs.failed", "platform.jobs.succeeded"], outcomes.Order());
    }

    [Fact]
    public async Task JobDueDaysAhead_RunsOnceTheSimulatedClockJumpsPastIt()
    {
        var kind = new JobKind<TestJob>("test.simulated");
        var probe = new JobProbe();
        var clock = new Platform.Data.Time.SimulatedClock(Start);
        await using var host = await JobsHost.StartAsync(_database, kind, probe, clock);
        var later = await host.Store.EnqueueAsync(kind, new TestJob("later"), Start.AddDays(7));
        var marker = await host.Store.EnqueueAsync(kind, new TestJob("marker"));
        await Eventually.TrueAsync(async () => await host.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @Id", new { marker.Id }) == "succeeded", "the marker job");
        Assert.DoesNotContain(probe.Runs, r => r.JobId == later.Id); // real seconds passed, simulated days did not

        Assert.True(clock.AdvanceTo(Start.AddDays(7)));
        await Eventually.TrueAsync(async () => await host.ScalarAsync<string>("SELECT status FROM jobs WHERE id = @Id", new { later.Id }) == "succeeded", "the job due after the jump");
        Assert.Single(probe.Runs, r => r.JobId == later.Id);
    }

    private static async Task WaitForAttemptsAsync(JobsHost host, Guid id, int attempts, string status) =>
        await Eventually.TrueAsync(
            async () => (await host.QueryAsync<(int Attempts, string Status)>("SELECT attempts, status FROM jobs WHERE id = @id", new { id })).Single() == (attempts, status),
            $"attempt {attempts} to end with the job {status}");
}

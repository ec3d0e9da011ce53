using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Data.Jobs;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// A minimal service that runs jobs of one test kind (database and scheduler, no bus), on a clock the test controls.
/// Several hosts on one database are replicas; they share the <see cref="JobProbe"/> that records what ran.
/// </summary>
public sealed class JobsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private JobsHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public JobStore Store => Services.GetRequiredService<JobStore>();

    public string WorkerId => Services.GetRequiredService<JobScheduler>().WorkerId;

    public static async Task<JobsHost> StartAsync(
        TestDatabase database, JobKind<TestJob> kind, JobProbe probe, TimeProvider clock, Action<JobKindOptions>? options = null,
        JobSchedule? periodic = null, string pollInterval = "00:00:00.100")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "jobtests", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = database.ConnectionString,
            ["Jobs:PollInterval"] = pollInterval,
            ["Jobs:LeaseDuration"] = "00:00:30",
        });
        builder.Services.AddSingleton(clock);
        builder.AddDatabase(typeof(JobsHost).Assembly);
        builder.Services.AddSingleton(probe);
        builder.Services.AddJob<TestJob, TestJobHandler>(kind, options);
        if (periodic is not null)
        {
            builder.Services.AddPeriodicJob(kind, new TestJob("periodic"), _ => periodic);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new JobsHost(host);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value: " + sql);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>A test job: what its handler does depends on its name (see <see cref="TestJobHandler"/>).</summary>
public sealed record TestJob(string Name);

/// <summary>Every attempt any replica's handler started: job, name, attempt, unique key and worker.</summary>
public sealed class JobProbe
{
    /// <summary>What a "defer-until" job waits for on its first run before it defers itself to <see cref="DeferUntil"/>.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The due time a "defer-until" job names on its first run.</summary>
    public DateTimeOffset DeferUntil { get; set; }

    private readonly List<(Guid JobId, string Name, int Attempt, string? UniqueKey)> _runs = [];
    private readonly List<Activity?> _activities = [];

    /// <summary>The activity each attempt's handler ran under (its SQL is traced under it).</summary>
    public IReadOnlyList<Activity?> Activities
    {
        get
        {
            lock (_runs)
            {
                return _activities.ToList();
            }
        }
    }

    public IReadOnlyList<(Guid JobId, string Name, int Attempt, string? UniqueKey)> Runs
    {
        get
        {
            lock (_runs)
            {
                return _runs.ToList();
            }
        }
    }

    public void Record(Guid jobId, string name, int attempt, string? uniqueKey)
    {
        lock (_runs)
        {
            _runs.Add((jobId, name, attempt, uniqueKey));
            _activities.Add(Activity.Current);
        }
    }
}

/// <summary>
/// Records each attempt, then: "fail…" throws; "defer-until…" waits for <see cref="JobProbe.Release"/> and defers itself to
/// <see cref="JobProbe.DeferUntil"/> on its first run; "block-first…" waits for cancellation on its first attempt (a worker that
/// never finishes) and succeeds afterwards; anything else succeeds after a moment (so concurrent runs overlap).
/// </summary>
public sealed class TestJobHandler(JobProbe probe) : IJobHandler<TestJob>
{
    public async Task RunAsync(TestJob payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(job);
        probe.Record(job.Id, payload.Name, job.Attempt, job.UniqueKey);
        if (payload.Name.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{payload.Name} failed on attempt {job.Attempt}");
        }

        if (payload.Name.StartsWith("defer-until", StringComparison.Ordinal) && probe.Runs.Count(r => r.JobId == job.Id) == 1)
        {
            await probe.Release.Task.WaitAsync(ct);
            throw new JobDeferredException("due later", probe.DeferUntil);
        }

        if (payload.Name.StartsWith("block-first", StringComparison.Ordinal) && job.Attempt == 1)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        await Task.Delay(5, ct);
    }
}

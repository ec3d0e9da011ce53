using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Data.Jobs;

/// <summary>
/// Enqueues jobs for the scheduler, in the caller's transaction (the job commits with the state change that needs it,
/// or not at all) or on its own. A job with a unique key that already exists is not enqueued again: the existing job is
/// returned. Wakes this process's scheduler, so local work starts at once.
/// </summary>
public sealed class JobStore
{
    /// <summary>How payloads are stored (System.Text.Json web defaults).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO jobs (id, kind, unique_key, payload, status, due_at, max_attempts, trace_parent, trace_state, created_at)
        VALUES (@Id, @Kind, @UniqueKey, @Payload::jsonb, 'queued', @DueAt, @MaxAttempts, @TraceParent, @TraceState, @Now)
        ON CONFLICT (kind, unique_key) DO NOTHING
        RETURNING id
        """;

    private const string ExistingSql = "SELECT id FROM jobs WHERE kind = @Kind AND unique_key = @UniqueKey";

    private const string ListSql = """
        SELECT id, kind, unique_key AS UniqueKey, status, due_at AS DueAt, attempts, max_attempts AS MaxAttempts,
               lease_owner AS LeaseOwner, lease_until AS LeaseUntil, last_error AS LastError, created_at AS CreatedAt,
               started_at AS StartedAt, finished_at AS FinishedAt
        FROM jobs
        WHERE (@Kind::text IS NULL OR kind = @Kind) AND (@Status::text IS NULL OR status = @Status)
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit
        """;

    private const string RunsSql = """
        SELECT job_id AS JobId, attempt, worker, started_at AS StartedAt, finished_at AS FinishedAt, outcome, error
        FROM job_runs WHERE job_id = ANY(@Ids) ORDER BY job_id, attempt, id
        """;

    private readonly NpgsqlDataSource _db;
    private readonly JobSignal _signal;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, JobKindOptions> _kinds;

    /// <summary>Created by DI.</summary>
    internal JobStore(NpgsqlDataSource db, JobSignal signal, TimeProvider time, IEnumerable<JobRegistration> registrations)
    {
        _db = db;
        _signal = signal;
        _time = time;
        _kinds = registrations.ToDictionary(r => r.Kind, r => r.Options, StringComparer.Ordinal);
    }

    /// <summary>The statuses a job can have.</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["queued", "running", "succeeded", "dead"];

    /// <summary>
    /// Enqueues a job in <paramref name="tx"/>: it exists (and runs) only if the caller commits.
    /// <paramref name="dueAt"/> null = now; with <paramref name="uniqueKey"/>, a second enqueue of the same kind and key
    /// returns the first job (<see cref="EnqueuedJob.Created"/> false) and changes nothing.
    /// </summary>
    public async Task<EnqueuedJob> EnqueueAsync<TPayload>(
        NpgsqlTransaction tx, JobKind<TPayload> kind, TPayload payload, DateTimeOffset? dueAt = null, string? uniqueKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(kind);
        return await EnqueueAsync(tx.Connection!, tx, kind.Name, JsonSerializer.Serialize(payload, Json), dueAt, uniqueKey, ct);
    }

    /// <summary>Enqueues a job on its own (committed at once); see the overload with a transaction.</summary>
    public async Task<EnqueuedJob> EnqueueAsync<TPayload>(
        JobKind<TPayload> kind, TPayload payload, DateTimeOffset? dueAt = null, string? uniqueKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        await using var connection = await _db.OpenConnectionAsync(ct);
        return await EnqueueAsync(connection, null, kind.Name, JsonSerializer.Serialize(payload, Json), dueAt, uniqueKey, ct);
    }

    /// <summary>Enqueues a job whose payload is already JSON (periodic jobs).</summary>
    internal async Task<EnqueuedJob> EnqueueAsync(string kind, string payloadJson, DateTimeOffset dueAt, string uniqueKey, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        return await EnqueueAsync(connection, null, kind, payloadJson, dueAt, uniqueKey, ct);
    }

    /// <summary>The newest jobs (at most <paramref name="limit"/>), optionally of one kind and status, each with its runs.</summary>
    public async Task<IReadOnlyList<JobInfo>> ListAsync(string? kind, string? status, int limit, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        var jobs = (await connection.QueryAsync<JobInfo>(new CommandDefinition(ListSql, new { Kind = kind, Status = status, Limit = limit }, cancellationToken: ct))).AsList();
        var runs = (await connection.QueryAsync<RunRow>(new CommandDefinition(RunsSql, new { Ids = jobs.Select(j => j.Id).ToArray() }, cancellationToken: ct)))
            .ToLookup(r => r.JobId);
        return jobs.Select(j => j with { Runs = runs[j.Id].Select(r => new JobRunInfo(r.Attempt, r.Worker, r.StartedAt, r.FinishedAt, r.Outcome, r.Error)).ToList() }).ToList();
    }

    private async Task<EnqueuedJob> EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string kind, string payloadJson, DateTimeOffset? dueAt, string? uniqueKey, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var maxAttempts = _kinds.TryGetValue(kind, out var options) ? options.MaxAttempts : new JobKindOptions().MaxAttempts;
        // The job's run continues the trace of whatever enqueued it (e.g. the upload request).
        var activity = Activity.Current;
        var id = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(InsertSql, new
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            UniqueKey = uniqueKey,
            Payload = payloadJson,
            DueAt = dueAt ?? now,
            MaxAttempts = maxAttempts,
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            Now = now,
        }, tx, cancellationToken: ct));
        if (id is { } created)
        {
            _signal.Notify();
            return new EnqueuedJob(created, Created: true);
        }

        // The conflicting job may have committed after this statement's snapshot: a new statement sees it.
        var existing = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(ExistingSql, new { Kind = kind, UniqueKey = uniqueKey }, tx, cancellationToken: ct));
        return new EnqueuedJob(existing, Created: false);
    }

    private sealed record RunRow(Guid JobId, int Attempt, string Worker, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Outcome, string? Error);
}

using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Queues scoring runs (API and schedule) in <c>score_runs</c>, with the settings and model fit they will use; an API
/// run's job is enqueued in the same transaction. A run is queued in the database, so a restart loses none.
/// </summary>
public sealed class ScoringRequests(NpgsqlDataSource dataSource, JobStore jobs, TimeProvider time)
{
    private const string SettingsSql = "SELECT settings::text FROM scoring_settings WHERE id = 1";

    private const string SaveSettingsSql = """
        INSERT INTO scoring_settings (id, settings, updated_at) VALUES (1, @Settings::jsonb, @Now)
        ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
        """;

    // A degenerate or failed fit is kept for the record but never used (a run naming one is refused by the API).
    private const string LatestFitSql = """
        SELECT id FROM model_fits WHERE status = 'converged' ORDER BY created_at DESC, id LIMIT 1
        """;

    private const string FitExistsSql = "SELECT EXISTS (SELECT 1 FROM model_fits WHERE id = @Id)";

    private const string EnqueueSql = """
        INSERT INTO score_runs (id, as_of, as_of_given, trigger, status, settings, model_fit_id, requested_at)
        VALUES (@Id, @AsOf, @AsOfGiven, @Trigger, 'queued', @Settings::jsonb, @ModelFitId, @Now)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>The stored settings, or the defaults when none were saved.</summary>
    public async Task<ScoringSettings> GetSettingsAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SettingsSql, cancellationToken: ct));
        return json is null ? new ScoringSettings() : JsonSerializer.Deserialize<ScoringSettings>(json, ScoringJson.Options) ?? new ScoringSettings();
    }

    /// <summary>Replaces the stored settings (validated by the caller).</summary>
    public async Task SaveSettingsAsync(ScoringSettings settings, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(SaveSettingsSql,
            new { Settings = JsonSerializer.Serialize(settings, ScoringJson.Options), Now = time.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>
    /// Queues a run as of <paramref name="asOf"/> (null = now, from the running aggregates) with the stored settings and
    /// <paramref name="modelFitId"/> (null = the latest converged fit, if any), and its job. Returns null when the named
    /// fit does not exist.
    /// </summary>
    public async Task<Guid?> EnqueueAsync(DateTimeOffset? asOf, Guid? modelFitId, CancellationToken ct)
    {
        var settings = await GetSettingsAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (modelFitId is { } id && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(FitExistsSql, new { Id = id }, cancellationToken: ct)))
        {
            return null;
        }

        var runId = Guid.CreateVersion7();
        await using var tx = await connection.BeginTransactionAsync(ct);
        await InsertRunAsync(tx, runId, asOf, modelFitId, "api", settings, ct);
        await jobs.EnqueueAsync(tx, ScoringJobHandler.Kind, new RunScoring(runId), ct: ct);
        await tx.CommitAsync(ct);
        return runId;
    }

    /// <summary>Queues the scheduled run <paramref name="runId"/> (as of now, latest fit) unless it exists already; returns its id.</summary>
    public async Task<Guid> EnsureScheduledRunAsync(Guid runId, CancellationToken ct)
    {
        var settings = await GetSettingsAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await InsertRunAsync(tx, runId, asOf: null, modelFitId: null, "schedule", settings, ct);
        await tx.CommitAsync(ct);
        return runId;
    }

    private async Task InsertRunAsync(NpgsqlTransaction tx, Guid runId, DateTimeOffset? asOf, Guid? modelFitId, string trigger, ScoringSettings settings, CancellationToken ct)
    {
        var connection = tx.Connection!;
        modelFitId ??= await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(LatestFitSql, transaction: tx, cancellationToken: ct));
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(EnqueueSql, new
        {
            Id = runId,
            AsOf = (asOf ?? now).ToUniversalTime(),
            AsOfGiven = asOf is not null,
            Trigger = trigger,
            Settings = JsonSerializer.Serialize(settings, ScoringJson.Options),
            ModelFitId = modelFitId,
            Now = now,
        }, tx, cancellationToken: ct));
    }
}

using System.Text.Json;
using Dapper;
using Npgsql;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Queues scoring runs (API and schedule) in <c>score_runs</c>, with the settings and model fit they will use, and
/// wakes the worker. A run is queued in the database, so a restart loses none.
/// </summary>
public sealed class ScoringRequests(NpgsqlDataSource dataSource, TimeProvider time) : IDisposable
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
        """;

    private readonly SemaphoreSlim _signal = new(0);

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
    /// <paramref name="modelFitId"/> (null = the latest converged fit, if any). Returns null when the named fit does not exist.
    /// </summary>
    public async Task<Guid?> EnqueueAsync(DateTimeOffset? asOf, Guid? modelFitId, string trigger, CancellationToken ct)
    {
        var settings = await GetSettingsAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (modelFitId is { } id)
        {
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(FitExistsSql, new { Id = id }, cancellationToken: ct)))
            {
                return null;
            }
        }
        else
        {
            modelFitId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(LatestFitSql, cancellationToken: ct));
        }

        var runId = Guid.CreateVersion7();
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
        }, cancellationToken: ct));
        _signal.Release();
        return runId;
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>Waits until a run is queued here or <paramref name="timeout"/> passes (other replicas are found by polling).</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

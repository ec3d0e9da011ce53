using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Segmentation.Features.Models;
using Segmentation.Features.Profiles;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Executes one scoring run: RFM quintiles, value tiers, deal seekers, economics CLV and, when the run names a model
/// fit, P(alive), expected purchases and spend, model CLV and churn-risk bands, for every customer with a profile.
/// The scores table is replaced as a whole in one transaction (readers see the old scores until it commits; a run that
/// fails changes nothing). Runs are serialized across replicas by an advisory lock. The scores are announced
/// (<see cref="ScoresPublisher"/>) in the same transaction, with the run's number.
/// </summary>
public sealed partial class ScoringRunner(NpgsqlDataSource dataSource, ScoresPublisher publisher, TimeProvider time, ILogger<ScoringRunner> logger)
{
    /// <summary>The advisory lock that serializes scoring runs across replicas (public so that a test can hold it to catch a run while it runs).</summary>
    /// <remarks>Arbitrary, shared by all replicas; distinct from the migration and erasure locks.</remarks>
    public const long LockKey = 7_290_412_102;

    // Purchases as they are now: the running aggregates, one row per customer (the fast path).
    private const string CurrentPurchasesSql = $"""
        SELECT customer_id, orders_count, net_revenue, first_purchase_at, last_purchase_at,
               discounted_orders_count::float8 / nullif(orders_count, 0) AS discounted_share,
               {PurchaseMargin.Sql} AS margin
        FROM customer_purchases
        """;

    // Purchases as of a past date: summed from the daily rows up to that UTC day (purchase times at day precision).
    private const string PurchasesAsOfSql = $"""
        SELECT customer_id, orders_count, net_revenue, first_purchase_at, last_purchase_at,
               discounted_orders_count::float8 / nullif(orders_count, 0) AS discounted_share,
               {PurchaseMargin.Sql} AS margin
        FROM (
            SELECT customer_id,
                   coalesce(sum(orders_count) FILTER (WHERE NOT is_return), 0)::int AS orders_count,
                   sum(net_revenue) AS net_revenue, sum(cost_total) AS cost_total, sum(costed_net_revenue) AS costed_net_revenue,
                   coalesce(sum(discounted_orders_count) FILTER (WHERE NOT is_return), 0)::int AS discounted_orders_count,
                   (min(day) FILTER (WHERE NOT is_return))::timestamp AT TIME ZONE 'UTC' AS first_purchase_at,
                   (max(day) FILTER (WHERE NOT is_return))::timestamp AT TIME ZONE 'UTC' AS last_purchase_at
            FROM customer_daily_purchases WHERE day <= @AsOfDay
            GROUP BY customer_id) d
        """;

    // {0} is one of the two constants above, never user input.
    private const string FactsSqlTemplate = """
        SELECT p.customer_id, u.orders_count, u.net_revenue, u.margin, u.discounted_share, u.first_purchase_at, u.last_purchase_at
        FROM customer_profiles p LEFT JOIN ({0}) u USING (customer_id)
        """;

    private static readonly string CurrentFactsSql = FactsSqlTemplate.Replace("{0}", CurrentPurchasesSql, StringComparison.Ordinal);
    private static readonly string AsOfFactsSql = FactsSqlTemplate.Replace("{0}", PurchasesAsOfSql, StringComparison.Ordinal);

    // The table is emptied and refilled by binary COPY without its primary key, which is then rebuilt in one sort
    // (cheaper than maintaining the index row by row; TRUNCATE locks the table until commit anyway, so readers see
    // the previous scores until then).
    private const string ClearSql = """
        SET LOCAL maintenance_work_mem = '256MB';
        ALTER TABLE customer_scores DROP CONSTRAINT customer_scores_pkey;
        TRUNCATE customer_scores;
        """;

    private const string CopySql = """
        COPY customer_scores (customer_id, run_id, as_of, recency_score, frequency_score, monetary_score, rfm_cell, value, value_tier,
            discounted_share, deal_seeker, p_alive, expected_purchases, expected_spend, clv, clv_economics, churn_risk) FROM STDIN (FORMAT BINARY)
        """;

    private const string RestoreKeySql = "ALTER TABLE customer_scores ADD CONSTRAINT customer_scores_pkey PRIMARY KEY (customer_id)";

    private const string ClaimSql = """
        UPDATE score_runs SET status = 'running', started_at = @Now WHERE id = @RunId AND status IN ('queued', 'running')
        RETURNING as_of AS AsOf, settings::text AS Settings, model_fit_id AS ModelFitId, as_of_given AS AsOfGiven
        """;

    // Only the run this call scored: a run found finished already (a repeated job) keeps its outcome.
    private const string CompleteSql = """
        UPDATE score_runs SET status = 'completed', finished_at = @Now, customers_scored = @Customers WHERE id = @RunId AND status = 'running'
        """;

    private const string FailSql = "UPDATE score_runs SET status = 'failed', finished_at = @Now, error = @Error WHERE id = @RunId";

    private const string FitSql = "SELECT time_unit AS TimeUnit, bg_nbd::text AS BgNbd, gamma_gamma::text AS GammaGamma FROM model_fits WHERE id = @Id";

    /// <summary>Runs the scoring run <paramref name="runId"/> (queued or interrupted); a failure is recorded on the run (false).</summary>
    public async Task<bool> ExecuteAsync(Guid runId, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var scored = await ScoreAsync(runId, ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new { RunId = runId, Now = time.GetUtcNow(), Customers = scored }, cancellationToken: ct));
            LogCompleted(logger, runId, scored, stopwatch.ElapsedMilliseconds);
            SegmentationTelemetry.ScoringRunSeconds.Record(stopwatch.Elapsed.TotalSeconds);
            SegmentationTelemetry.CustomersScored.Add(scored);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever went wrong (database, a stored fit that cannot score, a bug), the run's transaction rolled back,
            // so the previous scores stand; the run says why and its job ends dead.
            LogFailed(logger, e, runId);
            SegmentationTelemetry.ScoringRunsFailed.Add(1);
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(FailSql, new { RunId = runId, Now = time.GetUtcNow(), Error = e.Message }, cancellationToken: CancellationToken.None));
            return false;
        }
    }

    private async Task<int> ScoreAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, tx, cancellationToken: ct));
        var run = await connection.QuerySingleOrDefaultAsync<ClaimedRun>(new CommandDefinition(ClaimSql, new { RunId = runId, Now = time.GetUtcNow() }, tx, cancellationToken: ct));
        if (run is null)
        {
            return 0; // completed or failed meanwhile (another replica)
        }

        var settings = JsonSerializer.Deserialize<ScoringSettings>(run.Settings, ScoringJson.Options)
            ?? throw new InvalidOperationException("run has no settings");
        var model = run.ModelFitId is { } fitId ? await ModelScoresAsync(connection, tx, fitId, run.AsOf, settings, ct) : null;
        var facts = await ReadFactsAsync(connection, tx, run, settings, model, ct);
        var scores = ScoreCalculator.Score(facts, settings, run.AsOf);

        await connection.ExecuteAsync(new CommandDefinition(ClearSql, transaction: tx, cancellationToken: ct));
        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, ct))
        {
            foreach (var score in scores)
            {
                await WriteAsync(copy, runId, run.AsOf, score, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await connection.ExecuteAsync(new CommandDefinition(RestoreKeySql, transaction: tx, cancellationToken: ct));
        await publisher.PublishAsync(tx, runId, run.AsOf, scores, i => facts[i].OrdersCount, ct);
        await tx.CommitAsync(ct);
        return scores.Length;
    }

    private static async Task<List<CustomerFacts>> ReadFactsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, ClaimedRun run, ScoringSettings settings, Dictionary<Guid, ModelScore>? model, CancellationToken ct)
    {
        var facts = new List<CustomerFacts>();
        await using var command = new NpgsqlCommand(run.AsOfGiven ? AsOfFactsSql : CurrentFactsSql, connection, tx);
        command.Parameters.AddWithValue(PurchaseMargin.RateParameter, (decimal)settings.DefaultMarginRate);
        command.Parameters.AddWithValue("AsOfDay", DateOnly.FromDateTime(run.AsOf.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            ModelScore? m = model is not null && model.TryGetValue(id, out var found) ? found : null;
            facts.Add(new CustomerFacts(
                id,
                reader.IsDBNull(1) ? 0 : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetDecimal(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                m?.ProbabilityAlive,
                m?.ExpectedPurchases,
                m?.ExpectedSpend,
                m?.ClvRevenue));
        }

        return facts;
    }

    private static async Task<Dictionary<Guid, ModelScore>> ModelScoresAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid fitId, DateTimeOffset asOf, ScoringSettings settings, CancellationToken ct)
    {
        var fit = await connection.QuerySingleAsync<StoredFitRow>(new CommandDefinition(FitSql, new { Id = fitId }, tx, cancellationToken: ct));
        var model = StoredModel.From(fit.TimeUnit, fit.BgNbd, fit.GammaGamma);
        var histories = await PurchaseHistories.ReadAsync(connection, tx, DateOnly.FromDateTime(asOf.UtcDateTime), fit.TimeUnit, ct);
        var scores = new ModelScore[histories.Count];
        Parallel.For(0, histories.Count, i => scores[i] = model.Score(histories[i].History, settings));
        var byCustomer = new Dictionary<Guid, ModelScore>(histories.Count);
        for (var i = 0; i < histories.Count; i++)
        {
            byCustomer[histories[i].CustomerId] = scores[i];
        }

        return byCustomer;
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, Guid runId, DateTimeOffset asOf, CustomerScore s, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(s.CustomerId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(asOf, NpgsqlDbType.TimestampTz, ct);
        await WriteValueAsync(copy, s.RecencyScore, NpgsqlDbType.Smallint, ct);
        await WriteValueAsync(copy, s.FrequencyScore, NpgsqlDbType.Smallint, ct);
        await WriteValueAsync(copy, s.MonetaryScore, NpgsqlDbType.Smallint, ct);
        await WriteTextAsync(copy, s.RfmCell, ct);
        await WriteValueAsync(copy, s.Value, NpgsqlDbType.Numeric, ct);
        await WriteTextAsync(copy, s.ValueTier, ct);
        await WriteNullableAsync(copy, s.DiscountedShare, ct);
        await copy.WriteAsync(s.DealSeeker, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(copy, s.ProbabilityAlive, ct);
        await WriteNullableAsync(copy, s.ExpectedPurchases, ct);
        await WriteNullableAsync(copy, s.ExpectedSpend, ct);
        await WriteNullableAsync(copy, s.Clv, ct);
        await WriteNullableAsync(copy, s.ClvEconomics, ct);
        await WriteTextAsync(copy, s.ChurnRisk, ct);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task WriteValueAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken ct) =>
        value is { } v && double.IsFinite(v) ? copy.WriteAsync(v, NpgsqlDbType.Double, ct) : copy.WriteNullAsync(ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring run {RunId} scored {Customers} customers in {Milliseconds} ms")]
    private static partial void LogCompleted(ILogger logger, Guid runId, int customers, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scoring run {RunId} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, Guid runId);

    private sealed record ClaimedRun(DateTimeOffset AsOf, string Settings, Guid? ModelFitId, bool AsOfGiven);

    private sealed record StoredFitRow(string TimeUnit, string BgNbd, string? GammaGamma);
}

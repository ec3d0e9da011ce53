using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Segmentation.Features.Models;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Executes one scoring run: RFM quintiles, value tiers, deal seekers, economics CLV and, when the run names a model
/// fit, P(alive), expected purchases and spend, model CLV and churn-risk bands, for every customer with a profile.
/// The scores table is replaced as a whole in one transaction (readers see the old scores until it commits; a run that
/// fails changes nothing). Runs are serialized across replicas by an advisory lock.
/// </summary>
public sealed partial class ScoringRunner(NpgsqlDataSource dataSource, TimeProvider time, ILogger<ScoringRunner> logger)
{
    // Arbitrary, shared by all replicas; distinct from the migration and erasure locks.
    private const long LockKey = 7_290_412_102;

    // Purchases as they are now: the running aggregates, one row per customer (the fast path).
    private const string CurrentPurchasesSql = """
        SELECT customer_id, orders_count, net_revenue, first_purchase_at, last_purchase_at,
               discounted_orders_count::float8 / nullif(orders_count, 0) AS discounted_share,
               net_revenue - cost_total - (net_revenue - costed_net_revenue) * (1 - @DefaultMarginRate) AS margin
        FROM customer_purchases
        """;

    // Purchases as of a past date: summed from the daily rows up to that UTC day (purchase times at day precision).
    private const string PurchasesAsOfSql = """
        SELECT customer_id, orders_count, net_revenue, first_purchase_at, last_purchase_at,
               discounted_orders_count::float8 / nullif(orders_count, 0) AS discounted_share,
               net_revenue - cost_total - (net_revenue - costed_net_revenue) * (1 - @DefaultMarginRate) AS margin
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

    // {0} is one of the two constants above, never user input. Steps, all in the run's transaction:
    // 1. ranks on a narrow projection of the buyers (sorting four narrow columns in memory is what makes a full
    //    rescoring cheap). RFM: 1 + floor(5 × percent_rank), so ties share the lowest quintile their group reaches and
    //    the result does not depend on row order. Tiers: cume_dist by value, highest first; a tie group that straddles
    //    a boundary falls entirely into the lower tier.
    // 2. the scores table is emptied and refilled without its primary key, which is then rebuilt in one sort
    //    (cheaper than maintaining the index row by row; the table is locked by TRUNCATE until commit anyway).
    private const string ScoreSqlTemplate = """
        SET LOCAL work_mem = '256MB';
        SET LOCAL maintenance_work_mem = '256MB';
        -- Model CLV = discounted expected revenue (from the model) × the customer's own margin rate.
        CREATE TEMP TABLE run_ranks ON COMMIT DROP AS
        WITH v AS (
            SELECT u.customer_id, u.orders_count, u.net_revenue, u.last_purchase_at, u.margin,
                   m.clv * CASE WHEN u.net_revenue > 0 THEN greatest(u.margin / u.net_revenue, 0)::float8 ELSE @DefaultMarginRate::float8 END AS clv
            FROM ({0}) u LEFT JOIN run_model_scores m USING (customer_id)
            WHERE EXISTS (SELECT 1 FROM customer_profiles p WHERE p.customer_id = u.customer_id) -- ranked among profiled customers
        ),
        valued AS (
            SELECT v.*, CASE @ValueMeasure WHEN 'net_revenue' THEN net_revenue WHEN 'margin' THEN margin ELSE clv::numeric END AS value FROM v
        )
        SELECT customer_id, clv, value,
               CASE WHEN orders_count > 0 THEN least(5, 1 + floor(5 * percent_rank() OVER (PARTITION BY orders_count > 0 ORDER BY last_purchase_at))) END AS r,
               CASE WHEN orders_count > 0 THEN least(5, 1 + floor(5 * percent_rank() OVER (PARTITION BY orders_count > 0 ORDER BY orders_count))) END AS f,
               CASE WHEN orders_count > 0 THEN least(5, 1 + floor(5 * percent_rank() OVER (PARTITION BY orders_count > 0 ORDER BY net_revenue))) END AS m,
               CASE WHEN value IS NOT NULL THEN cume_dist() OVER (PARTITION BY value IS NULL ORDER BY value DESC) END AS value_rank
        FROM valued;
        ALTER TABLE customer_scores DROP CONSTRAINT customer_scores_pkey;
        TRUNCATE customer_scores;
        INSERT INTO customer_scores (customer_id, run_id, as_of, recency_score, frequency_score, monetary_score, rfm_cell, value,
            value_tier, discounted_share, deal_seeker, p_alive, expected_purchases, expected_spend, clv, clv_economics, churn_risk)
        SELECT p.customer_id, @RunId, @AsOf, k.r, k.f, k.m, k.r::text || k.f::text || k.m::text, k.value,
               CASE WHEN k.value_rank IS NULL THEN NULL
                    WHEN k.value_rank <= @TopTierShare THEN 'top'
                    WHEN k.value_rank <= @TopTierShare + @MiddleTierShare THEN 'middle'
                    ELSE 'bottom' END,
               u.discounted_share,
               coalesce(u.orders_count >= @DealSeekerMinOrders AND u.discounted_share >= @DealSeekerMinDiscountedShare, false),
               ms.p_alive, ms.expected_purchases, ms.expected_spend, k.clv,
               CASE WHEN u.orders_count > 0 THEN
                   (coalesce(@OrdersPerYear, u.orders_count / greatest(extract(epoch FROM @AsOf - u.first_purchase_at) / 31557600.0, 1))
                    * coalesce(@AverageOrderSize, u.net_revenue / u.orders_count)
                    * (1 + @ReferralRate)
                    * (1 - coalesce(@ProductCostRate, CASE WHEN u.net_revenue > 0 THEN 1 - u.margin / u.net_revenue ELSE 1 - @DefaultMarginRate END))
                    - @MarketingCostPerYear) * @YearFactor
               END,
               CASE WHEN ms.p_alive IS NULL THEN NULL
                    WHEN ms.p_alive < @HighChurnRiskBelow THEN 'high'
                    WHEN ms.p_alive < @MediumChurnRiskBelow THEN 'medium'
                    ELSE 'low' END
        FROM customer_profiles p
        LEFT JOIN ({0}) u USING (customer_id)
        LEFT JOIN run_ranks k USING (customer_id)
        LEFT JOIN run_model_scores ms USING (customer_id);
        ALTER TABLE customer_scores ADD CONSTRAINT customer_scores_pkey PRIMARY KEY (customer_id);
        """;

    private static readonly string ScoreCurrentSql = ScoreSqlTemplate.Replace("{0}", CurrentPurchasesSql, StringComparison.Ordinal);
    private static readonly string ScoreAsOfSql = ScoreSqlTemplate.Replace("{0}", PurchasesAsOfSql, StringComparison.Ordinal);

    private const string ModelScoresTableSql = """
        CREATE TEMP TABLE run_model_scores (customer_id uuid PRIMARY KEY, p_alive float8, expected_purchases float8,
            expected_spend float8, clv float8) ON COMMIT DROP
        """;

    private const string ClaimSql = """
        UPDATE score_runs SET status = 'running', started_at = @Now WHERE id = @RunId AND status IN ('queued', 'running')
        RETURNING as_of AS AsOf, settings::text AS Settings, model_fit_id AS ModelFitId, as_of_given AS AsOfGiven
        """;

    private const string CompleteSql = """
        UPDATE score_runs SET status = 'completed', finished_at = @Now, customers_scored = @Customers WHERE id = @RunId
        """;

    private const string FailSql = "UPDATE score_runs SET status = 'failed', finished_at = @Now, error = @Error WHERE id = @RunId";

    private const string FitSql = "SELECT time_unit AS TimeUnit, bg_nbd::text AS BgNbd, gamma_gamma::text AS GammaGamma FROM model_fits WHERE id = @Id";

    /// <summary>Runs the scoring run <paramref name="runId"/> (queued or interrupted); a failure is recorded on the run.</summary>
    public async Task ExecuteAsync(Guid runId, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var scored = await ScoreAsync(runId, ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new { RunId = runId, Now = time.GetUtcNow(), Customers = scored }, cancellationToken: ct));
            LogCompleted(logger, runId, scored, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or JsonException or ArgumentException)
        {
            LogFailed(logger, e, runId);
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(FailSql, new { RunId = runId, Now = time.GetUtcNow(), Error = e.Message }, cancellationToken: CancellationToken.None));
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
        await connection.ExecuteAsync(new CommandDefinition(ModelScoresTableSql, transaction: tx, cancellationToken: ct));
        if (run.ModelFitId is { } fitId)
        {
            await WriteModelScoresAsync(connection, tx, fitId, run.AsOf, settings, ct);
        }

        var sql = run.AsOfGiven ? ScoreAsOfSql : ScoreCurrentSql;
        var e = settings.Economics;
        var parameters = new DynamicParameters(new
        {
            RunId = runId,
            run.AsOf,
            AsOfDay = DateOnly.FromDateTime(run.AsOf.UtcDateTime),
            settings.ValueMeasure,
            settings.TopTierShare,
            settings.MiddleTierShare,
            settings.DealSeekerMinOrders,
            settings.DealSeekerMinDiscountedShare,
            settings.HighChurnRiskBelow,
            settings.MediumChurnRiskBelow,
            DefaultMarginRate = (decimal)settings.DefaultMarginRate,
            e.ReferralRate,
            e.MarketingCostPerYear,
            YearFactor = EconomicsClv.YearFactor(e, settings.AnnualDiscountRate),
        });
        parameters.Add("OrdersPerYear", e.OrdersPerYear, System.Data.DbType.Double);
        parameters.Add("AverageOrderSize", e.AverageOrderSize, System.Data.DbType.Double);
        parameters.Add("ProductCostRate", e.ProductCostRate, System.Data.DbType.Double);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, commandTimeout: 0, cancellationToken: ct));
        var scored = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*)::int FROM customer_scores", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return scored;
    }

    private static async Task WriteModelScoresAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid fitId, DateTimeOffset asOf, ScoringSettings settings, CancellationToken ct)
    {
        var fit = await connection.QuerySingleAsync<StoredFitRow>(new CommandDefinition(FitSql, new { Id = fitId }, tx, cancellationToken: ct));
        var model = StoredModel.From(fit.TimeUnit, fit.BgNbd, fit.GammaGamma);
        var histories = await PurchaseHistories.ReadAsync(connection, tx, DateOnly.FromDateTime(asOf.UtcDateTime), fit.TimeUnit, ct);
        var scores = new ModelScore[histories.Count];
        Parallel.For(0, histories.Count, i => scores[i] = model.Score(histories[i].History, settings));

        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY run_model_scores (customer_id, p_alive, expected_purchases, expected_spend, clv) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < histories.Count; i++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(histories[i].CustomerId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(scores[i].ProbabilityAlive, NpgsqlDbType.Double, ct);
            await copy.WriteAsync(scores[i].ExpectedPurchases, NpgsqlDbType.Double, ct);
            await WriteNullableAsync(copy, scores[i].ExpectedSpend, ct);
            await WriteNullableAsync(copy, scores[i].ClvRevenue, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken ct) =>
        value is { } v && double.IsFinite(v) ? copy.WriteAsync(v, NpgsqlDbType.Double, ct) : copy.WriteNullAsync(ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring run {RunId} scored {Customers} customers in {Milliseconds} ms")]
    private static partial void LogCompleted(ILogger logger, Guid runId, int customers, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scoring run {RunId} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, Guid runId);

    private sealed record ClaimedRun(DateTimeOffset AsOf, string Settings, Guid? ModelFitId, bool AsOfGiven);

    private sealed record StoredFitRow(string TimeUnit, string BgNbd, string? GammaGamma);
}

using Dapper;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.OpenApi;

namespace Segmentation.Features.Scoring;

public static class ScoresApi
{
    private const string FitStatusSql = "SELECT status, status_reason AS Reason FROM model_fits WHERE id = @Id";

    private const string RunSql = """
        SELECT id, as_of AS AsOf, as_of_given AS AsOfGiven, trigger, status, settings::text AS Settings, model_fit_id AS ModelFitId,
               customers_scored AS CustomersScored, error, requested_at AS RequestedAt, started_at AS StartedAt, finished_at AS FinishedAt
        FROM score_runs
        """;

    // Averages over buyers, for the economics table when the request does not give them.
    private const string AveragesSql = """
        SELECT coalesce(avg(orders_count / greatest(extract(epoch FROM @Now - first_purchase_at) / 31557600.0, 1)), 0)::float8 AS OrdersPerYear,
               coalesce(sum(net_revenue) / nullif(sum(orders_count), 0), 0)::float8 AS AverageOrderSize,
               coalesce(1 - sum(costed_net_revenue - cost_total) / nullif(sum(costed_net_revenue), 0), 1 - @DefaultMarginRate)::float8 AS ProductCostRate
        FROM customer_purchases WHERE orders_count > 0
        """;

    public static IServiceCollection AddScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ScoringRequests>();
        services.AddSingleton<ScoringRunner>();
        services.AddSingleton<ScoresPublisher>();
        services.AddOptions<ScoringScheduleOptions>().Bind(configuration.GetSection("Scoring:Schedule"));
        ScoringJobHandler.AddScoringJobs(services);
        return services;
    }

    public static IEndpointRouteBuilder MapScoresApi(this IEndpointRouteBuilder app)
    {
        var scores = app.MapGroup("/v1/scores").WithApiTag("Scores", "Scoring runs (RFM, value tiers, lifetime value, churn risk, deal seekers), their settings and the lifetime-value economics.");
        scores.MapGet("/settings", (ScoringRequests queue, CancellationToken ct) => queue.GetSettingsAsync(ct))
            .WithName("getScoringSettings").WithSummary("The scoring settings: value tier cut-offs, lifetime-value horizon and economics, churn and deal-seeker rules");
        scores.MapPut("/settings", PutSettingsAsync)
            .WithName("updateScoringSettings").WithSummary("Replaces the scoring settings; the next scoring run uses them");
        scores.MapPost("/runs", PostRunAsync)
            .WithName("startScoringRun").WithSummary("Queues a scoring run of every customer as of a date (202 with the run's address)");
        scores.MapGet("/runs", ListRunsAsync)
            .WithName("listScoringRuns").WithSummary("Scoring runs, newest first, a page at a time");
        scores.MapGet("/runs/{runId:guid}", GetRunAsync)
            .WithName("getScoringRun").WithSummary("One scoring run: its status, counts and timings");
        app.MapPost("/v1/clv/economics", EconomicsAsync).WithTags("Scores")
            .WithName("computeClvEconomics").WithSummary("Lifetime value from the economics: retention, referral, costs, orders per year, order size, discount rate");
        return app;
    }

    private static async Task<IResult> PutSettingsAsync(ScoringSettings? settings, ScoringRequests queue, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (settings is null)
        {
            errors.Add("", "a settings object is required");
            return errors.ToProblem();
        }

        settings.Validate(errors);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await queue.SaveSettingsAsync(settings, ct);
        return TypedResults.Ok(settings);
    }

    private static async Task<IResult> PostRunAsync(ScoreRunRequest? request, ScoringRequests queue, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (request?.AsOf is { } asOf && asOf > time.GetUtcNow())
        {
            var errors = new ValidationErrors();
            errors.Add("asOf", "must not be in the future");
            return errors.ToProblem();
        }

        if (request?.ModelFitId is { } fitId)
        {
            // Only a converged fit scores customers: a degenerate one's estimates mean nothing (e.g. p in the millions).
            await using var connection = await db.OpenConnectionAsync(ct);
            var fit = await connection.QuerySingleOrDefaultAsync<FitStatusRow>(new CommandDefinition(FitStatusSql, new { Id = fitId }, cancellationToken: ct));
            if (fit is { } f && f.Status != "converged")
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: $"Model fit {fitId} is {f.Status} and is not used for scoring or CLV.",
                    detail: f.Reason,
                    extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["modelFitId"] = fitId, ["fitStatus"] = f.Status });
            }
        }

        var runId = await queue.EnqueueAsync(request?.AsOf, request?.ModelFitId, ct);
        if (runId is null)
        {
            var errors = new ValidationErrors();
            errors.Add("modelFitId", "no model fit with this id");
            return errors.ToProblem();
        }

        return TypedResults.AcceptedAtRoute(new { id = runId, status = "queued" }, "getScoringRun", new { runId });
    }

    private static async Task<IResult> GetRunAsync(Guid runId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var run = await connection.QuerySingleOrDefaultAsync<ScoreRunRow>(new CommandDefinition(RunSql + " WHERE id = @runId", new { runId }, cancellationToken: ct));
        return run is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No scoring run {runId}.")
            : TypedResults.Ok(ScoreRun.From(run));
    }

    private static async Task<IResult> ListRunsAsync(HttpRequest http, NpgsqlDataSource db, CancellationToken ct)
    {
        // Newest first; the cursor is the last shown run's (requested_at, id).
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 2);
        var (afterTime, afterId) = PageKeys.TimeAndId(page, errors);

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var runs = (await connection.QueryAsync<ScoreRunRow>(new CommandDefinition(
            RunSql + " WHERE @AfterId IS NULL OR (requested_at, id) < (@AfterTime, @AfterId) ORDER BY requested_at DESC, id DESC LIMIT @Limit",
            new { AfterTime = afterTime, AfterId = afterId, Limit = page!.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, runs.Select(ScoreRun.From).ToList(), r => [PageKeys.Time(r.RequestedAt), r.Id.ToString()]));
    }

    private static async Task<IResult> EconomicsAsync(EconomicsRequest? request, ScoringRequests queue, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var settings = await queue.GetSettingsAsync(ct);
        var inputs = request?.Inputs ?? settings.Economics;
        var discountRate = request?.AnnualDiscountRate ?? settings.AnnualDiscountRate;
        var errors = new ValidationErrors();
        inputs.Validate(errors.WithPrefix("inputs."));
        ScoringSettings.Rate(errors, "annualDiscountRate", discountRate);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var observed = await connection.QuerySingleAsync<ObservedAverages>(new CommandDefinition(AveragesSql,
            new { Now = time.GetUtcNow(), DefaultMarginRate = settings.DefaultMarginRate }, cancellationToken: ct));
        var used = inputs with
        {
            OrdersPerYear = inputs.OrdersPerYear ?? observed.OrdersPerYear,
            AverageOrderSize = inputs.AverageOrderSize ?? observed.AverageOrderSize,
            ProductCostRate = inputs.ProductCostRate ?? Math.Clamp(observed.ProductCostRate, 0, 1),
        };
        return TypedResults.Ok(EconomicsClv.Compute(used, discountRate, used.OrdersPerYear!.Value, used.AverageOrderSize!.Value, used.ProductCostRate!.Value));
    }

    private sealed record FitStatusRow(string Status, string? Reason);

    private sealed record ObservedAverages(double OrdersPerYear, double AverageOrderSize, double ProductCostRate);
}

/// <summary>Asks for a scoring run. Without <c>asOf</c> the run scores the data as it is now.</summary>
public sealed record ScoreRunRequest(DateTimeOffset? AsOf, Guid? ModelFitId);

/// <summary>Inputs for the economics lifetime value; what is left out comes from the settings and the data.</summary>
public sealed record EconomicsRequest(EconomicsInputs? Inputs, double? AnnualDiscountRate);

public sealed record ScoreRunRow(
    Guid Id, DateTimeOffset AsOf, bool AsOfGiven, string Trigger, string Status, string Settings, Guid? ModelFitId,
    int? CustomersScored, string? Error, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>A scoring run as the API shows it, with the settings it used.</summary>
public sealed record ScoreRun(
    Guid Id, DateTimeOffset AsOf, string Trigger, string Status, ScoringSettings Settings, Guid? ModelFitId,
    int? CustomersScored, string? Error, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static ScoreRun From(ScoreRunRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var settings = System.Text.Json.JsonSerializer.Deserialize<ScoringSettings>(row.Settings, ScoringJson.Options) ?? new ScoringSettings();
        return new ScoreRun(row.Id, row.AsOf, row.Trigger, row.Status, settings, row.ModelFitId, row.CustomersScored, row.Error,
            row.RequestedAt, row.StartedAt, row.FinishedAt);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Numerics;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Segmentation.Features.Scoring;
using Platform.ServiceDefaults.OpenApi;

namespace Segmentation.Features.Models;

/// <summary>BG/NBD parameters and fit quality as stored and shown; <c>status</c> is converged, degenerate or failed, <c>reason</c> says why unless converged.</summary>
public sealed record BgNbdResult(double R, double Alpha, double A, double B, double LogLikelihood, int Iterations, bool Converged, string? Status = null, string? Reason = null);

/// <summary>Gamma-Gamma parameters and fit quality as stored and shown; <c>status</c> is converged, degenerate or failed, <c>reason</c> says why unless converged.</summary>
public sealed record GammaGammaResult(double P, double Q, double Gamma, double LogLikelihood, int Customers, bool Converged, string? Status = null, string? Reason = null);

/// <summary>
/// A stored model fit with its inputs. <c>status</c> is <c>converged</c> only when every model in it converged; a
/// <c>degenerate</c> or <c>failed</c> fit (with <c>reason</c>) is kept for the record but never used for scoring or CLV.
/// </summary>
public sealed record ModelFit(Guid Id, DateOnly CalibrationEnd, string TimeUnit, int Customers, string Status, string? Reason, BgNbdResult BgNbd, GammaGammaResult? GammaGamma, DateTimeOffset CreatedAt, int DurationMs);

/// <summary>Asks for a fit on the purchase days up to <c>calibrationEnd</c> (inclusive), in days or weeks.</summary>
public sealed record ModelFitRequest(DateOnly? CalibrationEnd, string? TimeUnit);

public static class ModelsApi
{
    private const string InsertSql = """
        INSERT INTO model_fits (id, calibration_end, time_unit, customers, status, status_reason, bg_nbd, gamma_gamma, created_at, duration_ms)
        VALUES (@Id, @CalibrationEnd, @TimeUnit, @Customers, @Status, @Reason, @BgNbd::jsonb, @GammaGamma::jsonb, @CreatedAt, @DurationMs)
        """;

    private const string SelectSql = """
        SELECT id, calibration_end AS CalibrationEnd, time_unit AS TimeUnit, customers, status, status_reason AS Reason, bg_nbd::text AS BgNbd,
               gamma_gamma::text AS GammaGamma, created_at AS CreatedAt, duration_ms AS DurationMs
        FROM model_fits
        """;

    // Newest first; the cursor is the last shown fit's (created_at, id).
    private const string ListSql = SelectSql + """

        WHERE @AfterId IS NULL OR (created_at, id) < (@AfterTime, @AfterId)
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit
        """;

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var fits = app.MapGroup("/v1/models/fits").WithApiTag("Models", "Fits of the purchase models (BG/NBD, Gamma-Gamma) that predict each customer's purchases and value.");
        fits.MapPost("/", FitAsync)
            .WithName("fitModels").WithSummary("Fits the purchase models (BG/NBD, Gamma-Gamma) to the purchase histories up to a calibration end (201)");
        fits.MapGet("/", ListAsync)
            .WithName("listModelFits").WithSummary("Model fits, newest first, a page at a time");
        fits.MapGet("/{fitId:guid}", GetAsync)
            .WithName("getModelFit").WithSummary("One model fit: its parameters and goodness of fit");
        return app;
    }

    /// <summary>
    /// The verdict on a whole fit, which is only as usable as its weakest model: converged when every model converged,
    /// otherwise failed if any failed, else degenerate, with each unconverged model's reason.
    /// </summary>
    public static FitVerdict Verdict(BgNbdFit bgNbd, GammaGammaFit? gammaGamma)
    {
        ArgumentNullException.ThrowIfNull(bgNbd);
        var parts = new List<(string Model, FitVerdict Verdict)> { ("BG/NBD", bgNbd.Verdict) };
        if (gammaGamma is not null)
        {
            parts.Add(("Gamma-Gamma", gammaGamma.Verdict));
        }

        var bad = parts.Where(p => p.Verdict.Status != FitStatus.Converged).ToList();
        if (bad.Count == 0)
        {
            return FitVerdict.Converged;
        }

        var reason = string.Join("; ", bad.Select(p => $"{p.Model}: {p.Verdict.Reason}"));
        return bad.Any(p => p.Verdict.Status == FitStatus.Failed) ? FitVerdict.Failed(reason) : FitVerdict.Degenerate(reason);
    }

    private static async Task<IResult> FitAsync(ModelFitRequest? request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var now = time.GetUtcNow();
        if (request?.CalibrationEnd is not { } end)
        {
            errors.Add("calibrationEnd", "is required (a date, e.g. 1997-09-30)");
        }
        else if (end > DateOnly.FromDateTime(now.UtcDateTime))
        {
            errors.Add("calibrationEnd", "must not be in the future");
        }

        var unit = request?.TimeUnit ?? "week";
        if (unit is not ("day" or "week"))
        {
            errors.Add("timeUnit", "must be day or week");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var stopwatch = Stopwatch.StartNew();
        await using var connection = await db.OpenConnectionAsync(ct);
        var customers = await PurchaseHistories.ReadAsync(connection, null, request!.CalibrationEnd!.Value, unit, ct);
        if (customers.Count == 0)
        {
            errors.Add("calibrationEnd", "no customer purchased on or before this date");
            return errors.ToProblem();
        }

        var histories = customers.Select(c => c.History).ToArray();
        var bg = BgNbd.Fit(histories, ct);
        var repeatBuyers = histories.Where(h => h.HasRepeatSpend).ToArray();
        var g = repeatBuyers.Length > 0 ? GammaGamma.Fit(repeatBuyers, ct) : null;
        var gg = g is null ? null : new GammaGammaResult(
            g.Parameters.P, g.Parameters.Q, g.Parameters.Gamma, g.LogLikelihood, g.CustomersUsed, g.Converged, g.Verdict.StatusName, g.Verdict.Reason);
        var verdict = Verdict(bg, g);

        var fit = new ModelFit(
            Guid.CreateVersion7(), request.CalibrationEnd.Value, unit, histories.Length, verdict.StatusName, verdict.Reason,
            new BgNbdResult(bg.Parameters.R, bg.Parameters.Alpha, bg.Parameters.A, bg.Parameters.B, bg.LogLikelihood, bg.Iterations, bg.Converged, bg.Verdict.StatusName, bg.Verdict.Reason),
            gg, now, (int)stopwatch.ElapsedMilliseconds);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            fit.Id, fit.CalibrationEnd, fit.TimeUnit, fit.Customers, fit.Status, fit.Reason,
            BgNbd = JsonSerializer.Serialize(fit.BgNbd, ScoringJson.Options),
            GammaGamma = gg is null ? null : JsonSerializer.Serialize(gg, ScoringJson.Options),
            fit.CreatedAt, fit.DurationMs,
        }, cancellationToken: ct));
        return TypedResults.CreatedAtRoute(fit, "getModelFit", new { fitId = fit.Id });
    }

    private static async Task<IResult> ListAsync(HttpRequest http, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 2);
        var (afterTime, afterId) = PageKeys.TimeAndId(page, errors);

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<ModelFitRow>(new CommandDefinition(ListSql,
            new { AfterTime = afterTime, AfterId = afterId, Limit = page!.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, rows.Select(r => r.ToFit()).ToList(), f => [PageKeys.Time(f.CreatedAt), f.Id.ToString()]));
    }

    private static async Task<IResult> GetAsync(Guid fitId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ModelFitRow>(new CommandDefinition(SelectSql + " WHERE id = @fitId", new { fitId }, cancellationToken: ct));
        return row is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No model fit {fitId}.")
            : TypedResults.Ok(row.ToFit());
    }

    private sealed record ModelFitRow(Guid Id, DateOnly CalibrationEnd, string TimeUnit, int Customers, string Status, string? Reason, string BgNbd, string? GammaGamma, DateTimeOffset CreatedAt, int DurationMs)
    {
        public ModelFit ToFit() => new(Id, CalibrationEnd, TimeUnit, Customers, Status, Reason,
            JsonSerializer.Deserialize<BgNbdResult>(BgNbd, ScoringJson.Options)!,
            GammaGamma is null ? null : JsonSerializer.Deserialize<GammaGammaResult>(GammaGamma, ScoringJson.Options),
            CreatedAt, DurationMs);
    }
}

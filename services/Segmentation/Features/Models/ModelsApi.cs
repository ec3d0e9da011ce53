using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.ServiceDefaults;
using Segmentation.Features.Scoring;

namespace Segmentation.Features.Models;

/// <summary>BG/NBD parameters and fit quality as stored and shown.</summary>
public sealed record BgNbdResult(double R, double Alpha, double A, double B, double LogLikelihood, int Iterations, bool Converged);

/// <summary>Gamma-Gamma parameters and fit quality as stored and shown.</summary>
public sealed record GammaGammaResult(double P, double Q, double Gamma, double LogLikelihood, int Customers, bool Converged);

/// <summary>A stored model fit with its inputs.</summary>
public sealed record ModelFit(Guid Id, DateOnly CalibrationEnd, string TimeUnit, int Customers, BgNbdResult BgNbd, GammaGammaResult? GammaGamma, DateTimeOffset CreatedAt, int DurationMs);

/// <summary>Asks for a fit on the purchase days up to <c>calibrationEnd</c> (inclusive), in days or weeks.</summary>
public sealed record ModelFitRequest(DateOnly? CalibrationEnd, string? TimeUnit);

public static class ModelsApi
{
    private const string InsertSql = """
        INSERT INTO model_fits (id, calibration_end, time_unit, customers, bg_nbd, gamma_gamma, created_at, duration_ms)
        VALUES (@Id, @CalibrationEnd, @TimeUnit, @Customers, @BgNbd::jsonb, @GammaGamma::jsonb, @CreatedAt, @DurationMs)
        """;

    private const string SelectSql = """
        SELECT id, calibration_end AS CalibrationEnd, time_unit AS TimeUnit, customers, bg_nbd::text AS BgNbd,
               gamma_gamma::text AS GammaGamma, created_at AS CreatedAt, duration_ms AS DurationMs
        FROM model_fits
        """;

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var fits = app.MapGroup("/v1/models/fits").WithTags("Models");
        fits.MapPost("/", FitAsync);
        fits.MapGet("/", ListAsync);
        fits.MapGet("/{fitId:guid}", GetAsync).WithName("GetModelFit");
        return app;
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
        GammaGammaResult? gg = null;
        if (repeatBuyers.Length > 0)
        {
            var g = GammaGamma.Fit(repeatBuyers, ct);
            gg = new GammaGammaResult(g.Parameters.P, g.Parameters.Q, g.Parameters.Gamma, g.LogLikelihood, g.CustomersUsed, g.Converged);
        }

        var fit = new ModelFit(
            Guid.CreateVersion7(), request.CalibrationEnd.Value, unit, histories.Length,
            new BgNbdResult(bg.Parameters.R, bg.Parameters.Alpha, bg.Parameters.A, bg.Parameters.B, bg.LogLikelihood, bg.Iterations, bg.Converged),
            gg, now, (int)stopwatch.ElapsedMilliseconds);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            fit.Id, fit.CalibrationEnd, fit.TimeUnit, fit.Customers,
            BgNbd = JsonSerializer.Serialize(fit.BgNbd, ScoringJson.Options),
            GammaGamma = gg is null ? null : JsonSerializer.Serialize(gg, ScoringJson.Options),
            fit.CreatedAt, fit.DurationMs,
        }, cancellationToken: ct));
        return TypedResults.CreatedAtRoute(fit, "GetModelFit", new { fitId = fit.Id });
    }

    private static async Task<IResult> ListAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ModelFitRow>(new CommandDefinition(SelectSql + " ORDER BY created_at DESC, id DESC LIMIT 100", cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.ToFit()));
    }

    private static async Task<IResult> GetAsync(Guid fitId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ModelFitRow>(new CommandDefinition(SelectSql + " WHERE id = @fitId", new { fitId }, cancellationToken: ct));
        return row is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No model fit {fitId}.")
            : TypedResults.Ok(row.ToFit());
    }

    private sealed record ModelFitRow(Guid Id, DateOnly CalibrationEnd, string TimeUnit, int Customers, string BgNbd, string? GammaGamma, DateTimeOffset CreatedAt, int DurationMs)
    {
        public ModelFit ToFit() => new(Id, CalibrationEnd, TimeUnit, Customers,
            JsonSerializer.Deserialize<BgNbdResult>(BgNbd, ScoringJson.Options)!,
            GammaGamma is null ? null : JsonSerializer.Deserialize<GammaGammaResult>(GammaGamma, ScoringJson.Options),
            CreatedAt, DurationMs);
    }
}

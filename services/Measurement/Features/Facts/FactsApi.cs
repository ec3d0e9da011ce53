using Dapper;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Validation;

namespace Measurement.Features.Facts;

/// <summary>
/// What Measurement has recorded of the facts it consumes: a watermark a client compares with what it sent, to know that
/// the results it reads next include every purchase and response it posted (the events reach Measurement asynchronously,
/// and results that stay the same for a while may still be waiting for them).
/// </summary>
public static class FactsApi
{
    // Counted in one statement (one snapshot). A scan of both tables: no index leads with the time (purchases are keyed by
    // customer, and one more index would cost every insert on the hot path), so this is for checks and demos, not for
    // dashboards polling a large store.
    private const string Sql = """
        SELECT p.n, r.n, p.last, r.last
        FROM (SELECT count(*) AS n, max(occurred_at) AS last FROM purchases
              WHERE occurred_at >= @From::timestamptz AND (@To::timestamptz IS NULL OR occurred_at < @To::timestamptz)) p,
             (SELECT count(*) AS n, max(occurred_at) AS last FROM responses
              WHERE occurred_at >= @From::timestamptz AND (@To::timestamptz IS NULL OR occurred_at < @To::timestamptz)) r
        """;

    public static IEndpointRouteBuilder MapFactsApi(this IEndpointRouteBuilder app)
    {
        var facts = app.MapGroup("/v1/facts").WithApiTag("Facts", "What Measurement has recorded of the purchases and responses it consumes.");
        facts.MapGet("/counts", GetCountsAsync)
            .WithName("getFactCounts")
            .WithSummary("How many purchases and responses of a period Measurement has recorded and attributed")
            .WithDescription("""
                Counts the purchases (returns included) and responses whose time lies in [`from`, `to`) (`to` optional: no end),
                with the latest time of each. Purchases and responses reach Measurement as events, after Ingestion accepted them:
                a client that sent N orders of a period reads its results once this count has reached N. Instants in ISO 8601
                with an offset (e.g. `2026-01-02T00:00:00Z`); a bad one is a 400 naming it. Purchases of erased customers are not kept,
                so they are not counted.
                """)
            .Produces<FactCounts>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> GetCountsAsync(HttpRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var from = ParseInstant(request.Query["from"], "from", required: true, errors);
        var to = ParseInstant(request.Query["to"], "to", required: false, errors);
        if (from is not null && to is not null && to <= from)
        {
            errors.Add("to", "must be later than from");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<(long Purchases, long Responses, DateTime? LastPurchaseAt, DateTime? LastResponseAt)>(
            new CommandDefinition(Sql, new { From = from!.Value, To = to }, cancellationToken: ct));
        return TypedResults.Ok(new FactCounts(from.Value, to, row.Purchases, row.Responses, Instant(row.LastPurchaseAt), Instant(row.LastResponseAt)));
    }

    private static DateTimeOffset? ParseInstant(string? text, string field, bool required, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors.Add(field, "is required and " + IsoTimestamp.Expected);
            }

            return null;
        }

        if (IsoTimestamp.TryParse(text, out var instant))
        {
            return instant;
        }

        errors.Add(field, IsoTimestamp.Expected);
        return null;
    }

    private static DateTimeOffset? Instant(DateTime? utc) => utc is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}

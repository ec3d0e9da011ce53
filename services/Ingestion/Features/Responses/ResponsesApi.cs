using System.ComponentModel;
using Dapper;
using Ingestion.Features.Transactions;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Ingestion.Features.Responses;

/// <summary><c>/v1/responses</c>: what channels report back about campaign contacts, one at a time or in batches of up to 10,000.</summary>
public static class ResponsesApi
{
    public const int MaxBatchSize = 10_000;
    public const long MaxSingleBodyBytes = 64 * 1024;
    public const long MaxBatchBodyBytes = 16 * 1024 * 1024;

    public const string Rules = """
        Fields: source (required: the reporting system), responseId (optional: the channel's own id), campaignCode
        (required), the customer as customerId OR customerExternalId (+ customerSource, default: the response's
        source), channel (email, sms, mail, phone, web), type (delivered, undeliverable, opened, clicked, answered,
        inbound-call, replied, converted, opted-out), occurredAt (ISO 8601 with an offset or 'Z', not more than a day
        ahead), value (optional, >= 0). Identity: with responseId the id is a UUIDv5 of (source, responseId); without,
        of the content (campaign, customer, channel, type, occurredAt), so the same report sent twice is recorded once.
        Opt-outs: an opted-out response withdraws the customer's consent for that channel (email, sms, mail or phone;
        'web' is refused for opted-out because it names no consent channel), only if it is newer than the stored
        decision, and publishes the customer's new version (CustomersUpserted and ContactDetailsChanged) in the same transaction. Unknown
        customer: refused with 400 naming customerId/customerExternalId unless ?createCustomers=true (creates a minimal
        customer for a customerExternalId). Replays: same id and same values → 200 / 'duplicate', nothing published;
        same id with different values → 409 naming responseId, the first version stays.
        """;

    private const string SelectSql = """
        SELECT response_id AS ResponseId, source, external_id AS ResponseExternalId, campaign_code AS CampaignCode,
               customer_id AS CustomerId, channel, type, occurred_at AS OccurredAt, value, recorded_at AS RecordedAt
        FROM responses WHERE response_id = @ResponseId
        """;

    public static IServiceCollection AddResponses(this IServiceCollection services)
    {
        services.AddSingleton<ResponseWriter>();
        return services;
    }

    public static IEndpointRouteBuilder MapResponsesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/responses").WithApiTag("Responses", "What came back from a channel: delivered, answered, responded, opted out, inbound call; one at a time or in batches.");
        group.MapPost("/", RecordAsync)
            .RecordsOne<ResponseResponse>("recordResponse", "Records one campaign response (201 new, 200 replay).", Rules, MaxSingleBodyBytes);
        group.MapPost("/batch", RecordBatchAsync)
            .RecordsBatch<ResponseBatchResponse>("recordResponsesBatch", "Records up to 10,000 campaign responses, all or nothing.",
                "responses", "/v1/responses", "response", Rules, MaxBatchBodyBytes);
        group.MapGet("/{responseId:guid}", GetAsync)
            .ReadsOne<ResponseResponse>("getResponse", "Reads one response as stored.");
        return app;
    }

    private static async Task<IResult> RecordAsync(
        ResponseRequest request,
        [Description("Create a minimal customer for an unknown customerExternalId instead of refusing the response.")] bool? createCustomers,
        NpgsqlDataSource db,
        ResponseWriter writer,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var row = request.Validate(errors, time.GetUtcNow());
        if (row is null)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await writer.WriteAsync(tx, [row], createCustomers == true, ct);
        if (result.Rejected > 0)
        {
            return Refusal(result, [row], batch: false); // rolled back when tx is disposed
        }

        if (result.New == 1)
        {
            await tx.CommitAsync(ct);
            return TypedResults.Created($"/v1/responses/{row.ResponseId}", ResponseResponse.Of(row, result.RecordedAt));
        }

        // A replay answers with what was stored the first time (its recordedAt).
        var stored = await connection.QuerySingleAsync<ResponseResponse>(new CommandDefinition(SelectSql, new { row.ResponseId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(stored);
    }

    private static async Task<IResult> RecordBatchAsync(
        List<ResponseRequest?> requests,
        [Description("Create minimal customers for unknown customerExternalIds instead of refusing the batch.")] bool? createCustomers,
        NpgsqlDataSource db,
        ResponseWriter writer,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (requests.Count is 0 or > MaxBatchSize)
        {
            errors.Add("body", $"must be an array of 1 to {MaxBatchSize} responses");
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var rows = errors.ValidateItems(requests, "response", (request, itemErrors) => request.Validate(itemErrors, now));
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await writer.WriteAsync(tx, rows, createCustomers == true, ct);
        if (result.Rejected > 0)
        {
            return Refusal(result, rows, batch: true);
        }

        await tx.CommitAsync(ct);
        var items = rows.Select((r, i) => new ResponseBatchItem(r.ResponseId, result.Outcomes[i] == RowOutcome.New ? "new" : "duplicate")).ToList();
        return TypedResults.Ok(new ResponseBatchResponse(result.New, result.Duplicates, items));
    }

    private static IResult Refusal(WriteResult result, List<NormalizedResponse> rows, bool batch) =>
        WriteRefusal.Problem(result, rows, batch, r => r.Customer, "responseId", ConflictMessage, "A response is already recorded with different values; the recorded version is kept.");

    public static string ConflictMessage(NormalizedResponse row) =>
        row.ExternalId is null
            ? $"response {row.ResponseId} is already recorded with a different value"
            : $"response '{row.ExternalId}' of source '{row.Source}' is already recorded with different values";

    private static async Task<IResult> GetAsync(Guid responseId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<ResponseResponse>(new CommandDefinition(SelectSql, new { ResponseId = responseId }, cancellationToken: ct));
        return stored is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Response {responseId} not found.")
            : TypedResults.Ok(stored);
    }
}

/// <summary>A response as stored (times in UTC); <c>responseExternalId</c> is the channel's own id, if it gave one.</summary>
public sealed record ResponseResponse(
    Guid ResponseId,
    string Source,
    string? ResponseExternalId,
    string CampaignCode,
    Guid CustomerId,
    string Channel,
    string Type,
    DateTimeOffset OccurredAt,
    decimal? Value,
    DateTimeOffset RecordedAt)
{
    /// <summary>What the database holds after inserting <paramref name="r"/>.</summary>
    public static ResponseResponse Of(NormalizedResponse r, DateTimeOffset recordedAt) => new(
        r.ResponseId, r.Source, r.ExternalId, r.CampaignCode, r.Customer.CustomerId, r.Channel, r.Type, r.OccurredAt, r.Value, recordedAt);
}

/// <summary>Outcome of a batch: how many were new, how many replays, and each item's status in input order.</summary>
public sealed record ResponseBatchResponse(int New, int Duplicates, IReadOnlyList<ResponseBatchItem> Items);

/// <summary>One batch item: its id and <c>new</c> or <c>duplicate</c>.</summary>
public sealed record ResponseBatchItem(Guid ResponseId, string Status);

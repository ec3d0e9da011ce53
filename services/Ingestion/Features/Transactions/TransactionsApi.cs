using System.ComponentModel;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.Data.Partitions;
using Platform.Data.Staging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Ingestion.Features.Transactions;

/// <summary><c>/v1/transactions</c>: orders and returns, one at a time or in batches of up to 10,000.</summary>
public static class TransactionsApi
{
    public const int MaxBatchSize = 10_000;

    // A single transaction is well under 4 KiB; a full batch of long-valued items stays under 24 MiB.
    public const long MaxSingleBodyBytes = 64 * 1024;
    public const long MaxBatchBodyBytes = 24 * 1024 * 1024;

    public const string Rules = """
        Fields: source and orderId (required; orderId unique per source, the id is a UUIDv5 of both), the customer as
        customerId OR customerExternalId (+ customerSource, default: the transaction's source), occurredAt (ISO 8601 with
        an offset or 'Z'; any era, e.g. 1997, but not more than a day ahead), grossAmount (required), discountAmount
        (>= 0, default 0, at most |grossAmount|), costAmount (optional, >= 0), currency (active ISO 4217 code),
        quantity (integer >= 1, default 1), channel, category, promotionCode, campaignCode, isReturn. Amounts have at
        most 2 decimals. Returns: isReturn=true, or a negative grossAmount, stores the transaction with is_return=true
        and negative gross, discount and cost amounts (send discount and cost as positive numbers); isReturn=false with a
        negative grossAmount is refused. Unknown customer: refused with 400 naming customerId/customerExternalId
        ("unknown customer"), unless the request has ?createCustomers=true, which creates a minimal customer
        (lifecycle 'customer', only its key) for a customer given by customerExternalId (never for a bare customerId).
        Replays: the same (source, orderId) with the same values is answered again (200, or status 'duplicate' in a
        batch) and publishes nothing; with different values it is refused with 409 naming orderId, and the first
        version stays. Values are compared after normalization (trimmed, UTC, amounts by value).
        """;

    private const string SelectSql = """
        SELECT transaction_id AS TransactionId, source, order_id AS OrderId, customer_id AS CustomerId, occurred_at AS OccurredAt,
               gross_amount AS GrossAmount, discount_amount AS DiscountAmount, cost_amount AS CostAmount, currency, quantity,
               channel, category, promotion_code AS PromotionCode, campaign_code AS CampaignCode, is_return AS IsReturn,
               recorded_at AS RecordedAt
        FROM transactions WHERE transaction_id = @TransactionId
        """;

    // A replay (Duplicate) has the stored values, its instant included: naming it lets the planner read one month's
    // partition instead of probing (and locking) every month's.
    private const string SelectReplaySql = SelectSql + " AND occurred_at = @OccurredAt";

    /// <summary>The transaction writer and the unknown-customer rule it shares with responses and imports.</summary>
    public static IServiceCollection AddTransactions(this IServiceCollection services)
    {
        services.AddSingleton<KnownCustomers>();
        services.AddSingleton<TransactionWriter>();
        services.AddSingleton<TransactionGroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<TransactionGroupCommit>());
        services.AddMonthlyPartitions("ingestion.transaction-partitions", "transactions"); // keeps the months ahead (migration 0009)
        return services;
    }

    public static IEndpointRouteBuilder MapTransactionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/transactions").WithApiTag("Transactions", "Orders and returns, one at a time or in batches; replays are recognised and publish nothing.");
        group.MapPost("/", RecordAsync)
            .RecordsOne<TransactionResponse>("recordTransaction", "Records one order or return (201 new, 200 replay).", Rules, MaxSingleBodyBytes);
        group.MapPost("/batch", RecordBatchAsync)
            .RecordsBatch<TransactionBatchResponse>("recordTransactionsBatch", "Records up to 10,000 orders or returns, all or nothing.",
                "transactions", "/v1/transactions", "order", Rules, MaxBatchBodyBytes);
        group.MapGet("/{transactionId:guid}", GetAsync)
            .ReadsOne<TransactionResponse>("getTransaction", "Reads one transaction as stored (returns with negative amounts).");
        return app;
    }

    private static async Task<IResult> RecordAsync(
        TransactionRequest request,
        [Description("Create a minimal customer for an unknown customerExternalId instead of refusing the transaction.")] bool? createCustomers,
        NpgsqlDataSource db,
        TransactionGroupCommit groupCommit,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var row = request.Validate(errors, new TransactionDefaults(time.GetUtcNow()));
        if (row is null)
        {
            return errors.ToProblem();
        }

        var (outcome, recordedAt) = await groupCommit.WriteAsync(row, createCustomers == true, ct);
        switch (outcome)
        {
            case RowOutcome.New:
                return TypedResults.Created($"/v1/transactions/{row.TransactionId}", TransactionResponse.Of(row, recordedAt));
            case RowOutcome.Duplicate:
                // A replay answers with what was stored the first time (its recordedAt).
                await using (var connection = await db.OpenConnectionAsync(ct))
                {
                    return TypedResults.Ok(await connection.QuerySingleAsync<TransactionResponse>(new CommandDefinition(SelectReplaySql, new { row.TransactionId, row.OccurredAt }, cancellationToken: ct)));
                }

            default:
                return Refusal(new WriteResult([outcome], recordedAt), [row], batch: false);
        }
    }

    private static async Task<IResult> RecordBatchAsync(
        List<TransactionRequest?> requests,
        [Description("Create minimal customers for unknown customerExternalIds instead of refusing the batch.")] bool? createCustomers,
        NpgsqlDataSource db,
        TransactionWriter writer,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (requests.Count is 0 or > MaxBatchSize)
        {
            errors.Add("body", $"must be an array of 1 to {MaxBatchSize} transactions");
            return errors.ToProblem();
        }

        var defaults = new TransactionDefaults(time.GetUtcNow());
        var rows = errors.ValidateItems(requests, "transaction", (request, itemErrors) => request.Validate(itemErrors, defaults));
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
        var items = rows.Select((r, i) => new TransactionBatchItem(r.TransactionId, r.Source, r.OrderId, result.Outcomes[i] == RowOutcome.New ? "new" : "duplicate")).ToList();
        return TypedResults.Ok(new TransactionBatchResponse(result.New, result.Duplicates, items));
    }

    private static IResult Refusal(WriteResult result, List<NormalizedTransaction> rows, bool batch) =>
        WriteRefusal.Problem(result, rows, batch, r => r.Customer, "orderId", ConflictMessage, "An order is already recorded with different values; the recorded version is kept.");

    public static string ConflictMessage(NormalizedTransaction row) =>
        $"order '{row.OrderId}' of source '{row.Source}' is already recorded with different values";

    private static async Task<IResult> GetAsync(Guid transactionId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<TransactionResponse>(new CommandDefinition(SelectSql, new { TransactionId = transactionId }, cancellationToken: ct));
        return stored is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Transaction {transactionId} not found.")
            : TypedResults.Ok(stored);
    }
}

/// <summary>A transaction as stored: returns carry negative amounts; times in UTC.</summary>
public sealed record TransactionResponse(
    Guid TransactionId,
    string Source,
    string OrderId,
    Guid CustomerId,
    DateTimeOffset OccurredAt,
    decimal GrossAmount,
    decimal DiscountAmount,
    decimal? CostAmount,
    string Currency,
    int Quantity,
    string? Channel,
    string? Category,
    string? PromotionCode,
    string? CampaignCode,
    bool IsReturn,
    DateTimeOffset RecordedAt)
{
    /// <summary>What the database holds after inserting <paramref name="t"/> (numeric(14,2) keeps the value as given: at most 2 decimals).</summary>
    public static TransactionResponse Of(NormalizedTransaction t, DateTimeOffset recordedAt) => new(
        t.TransactionId, t.Source, t.OrderId, t.Customer.CustomerId, t.OccurredAt, t.GrossAmount, t.DiscountAmount, t.CostAmount,
        t.Currency, t.Quantity, t.Channel, t.Category, t.PromotionCode, t.CampaignCode, t.IsReturn, recordedAt);
}

/// <summary>Outcome of a batch: how many were new, how many replays, and each item's status in input order.</summary>
public sealed record TransactionBatchResponse(int New, int Duplicates, IReadOnlyList<TransactionBatchItem> Items);

/// <summary>One batch item: its id and <c>new</c> or <c>duplicate</c>.</summary>
public sealed record TransactionBatchItem(Guid TransactionId, string Source, string OrderId, string Status);

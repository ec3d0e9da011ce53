using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.Data.Staging;
using Platform.ServiceDefaults.Validation;

namespace Ingestion.Features.Transactions;

/// <summary>
/// The one way transactions are written (single and batch API, imports), set-based in the caller's transaction:
/// the rows as array parameters, one INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING that tells which are
/// new, and <see cref="TransactionsRecorded"/> events for the new ones only (batches of at most 1,000, one outbox
/// insert). A replayed order is a duplicate; a replay with different values is a conflict and the stored version stays.
/// </summary>
public sealed class TransactionWriter(KnownCustomers customers, Outbox outbox, TimeProvider time)
{
    // The stage: the rows as array parameters, one per column (binary, like COPY). A temporary table filled by COPY,
    // created and dropped with every write, cost more than this: the catalog rows of a new table each time.
    private const string ArrayStage = """
        unnest(@RowIndexes, @TransactionIds, @Sources, @OrderIds, @CustomerIds, @OccurredAts, @GrossAmounts, @DiscountAmounts,
               @CostAmounts, @Currencies, @Quantities, @Channels, @Categories, @PromotionCodes, @CampaignCodes, @IsReturns)
        AS s (row_index, transaction_id, source, order_id, customer_id, occurred_at, gross_amount,
               discount_amount, cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return)
        """;

    // {stage} is the stage, aliased s; {distinct} is DISTINCT ON (transaction_id) when an order id occurs more than
    // once among the rows: then the first row is inserted (the others are compared with it like any replay). Without
    // repeats the sort that DISTINCT ON needs is left out. The order's key (source, order id) is the arbiter, in
    // transaction_keys (migration 0009): only orders whose key is new go into their month's partition.
    private const string InsertSql = """
        WITH staged AS MATERIALIZED (
            SELECT {distinct} * FROM {stage} {order}
        ),
        new_keys AS (
            INSERT INTO transaction_keys (source, order_id, transaction_id, occurred_at)
            SELECT source, order_id, transaction_id, occurred_at FROM staged
            ON CONFLICT (source, order_id) DO NOTHING
            RETURNING transaction_id
        )
        INSERT INTO transactions (transaction_id, source, order_id, customer_id, occurred_at, gross_amount, discount_amount,
            cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return, recorded_at)
        SELECT s.transaction_id, s.source, s.order_id, s.customer_id, s.occurred_at, s.gross_amount, s.discount_amount,
            s.cost_amount, s.currency, s.quantity, s.channel, s.category, s.promotion_code, s.campaign_code, s.is_return, @Now
        FROM staged s JOIN new_keys USING (transaction_id)
        RETURNING transaction_id
        """;

    // The stored version is where its key says, in whichever month that is (a replay may have moved the order).
    // Numeric and timestamp comparisons are by value: 10.5 equals 10.50, and the same instant in another offset is equal.
    private const string ConflictsSql = """
        SELECT s.row_index
        FROM {stage}
        JOIN transaction_keys k ON k.source = s.source AND k.order_id = s.order_id
        JOIN transactions t ON t.transaction_id = k.transaction_id AND t.occurred_at = k.occurred_at
        WHERE (s.customer_id, s.occurred_at, s.gross_amount, s.discount_amount, s.cost_amount, s.currency, s.quantity,
               s.channel, s.category, s.promotion_code, s.campaign_code, s.is_return)
              IS DISTINCT FROM
              (t.customer_id, t.occurred_at, t.gross_amount, t.discount_amount, t.cost_amount, t.currency::text, t.quantity,
               t.channel, t.category, t.promotion_code, t.campaign_code, t.is_return)
        """;

    private static readonly StageStatements FromArrays = StageStatements.For(InsertSql, ConflictsSql, ArrayStage, "transaction_id");

    /// <summary>
    /// Writes <paramref name="rows"/> in <paramref name="tx"/> and returns each row's outcome (input order). Rows of
    /// unknown customers and conflicting replays are not written; the caller decides whether that fails the whole
    /// request (the API: all or nothing) or only those rows (an import). The caller commits.
    /// </summary>
    public Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedTransaction> rows, bool createCustomers, CancellationToken ct) =>
        WriteAsync(tx, rows, createCustomers, knownCustomers: null, ct);

    /// <summary>As above; <paramref name="knownCustomers"/> remembers customers known to exist across calls (see <see cref="KnownCustomers"/>).</summary>
    public async Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedTransaction> rows, bool createCustomers, KnownCustomerSet? knownCustomers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return new WriteResult([], time.GetUtcNow());
        }

        var unknown = await customers.FindUnknownAsync(tx, rows.Select(r => r.Customer), createCustomers, knownCustomers, ct);
        var now = IsoTimestamp.ToMicroseconds(time.GetUtcNow());
        var staged = rows.Count - rows.Count(r => unknown.Contains(r.Customer.CustomerId));
        var outcomes = await FromArrays.RunAsync(tx, rows, r => r.TransactionId, r => r.Customer.CustomerId, unknown, ArrayParameters.Of(rows, unknown, now), staged, ct);
        var recorded = rows.Where((_, i) => outcomes[i] == RowOutcome.New).Select(ToRecord).ToList();
        await outbox.AddRangeAsync(tx, EventBatches.Split(recorded, batch => new TransactionsRecorded { Transactions = batch }), ct);
        return new WriteResult(outcomes, now);
    }

    private static TransactionRecord ToRecord(NormalizedTransaction t) => new()
    {
        TransactionId = t.TransactionId,
        CustomerId = t.Customer.CustomerId,
        Source = t.Source,
        OrderId = t.OrderId,
        OccurredAt = t.OccurredAt,
        GrossAmount = t.GrossAmount,
        DiscountAmount = t.DiscountAmount,
        CostAmount = t.CostAmount,
        Currency = t.Currency,
        Quantity = t.Quantity,
        Channel = t.Channel,
        Category = t.Category,
        PromotionCode = t.PromotionCode,
        CampaignCode = t.CampaignCode,
        IsReturn = t.IsReturn,
    };

    /// <summary>The stage as array parameters (column by column; rows of unknown customers left out).</summary>
    private sealed record ArrayParameters(
        int[] RowIndexes, Guid[] TransactionIds, string[] Sources, string[] OrderIds, Guid[] CustomerIds, DateTimeOffset[] OccurredAts,
        decimal[] GrossAmounts, decimal[] DiscountAmounts, decimal?[] CostAmounts, string[] Currencies, int[] Quantities,
        string?[] Channels, string?[] Categories, string?[] PromotionCodes, string?[] CampaignCodes, bool[] IsReturns, DateTimeOffset Now)
    {
        public static ArrayParameters Of(IReadOnlyList<NormalizedTransaction> rows, HashSet<Guid> unknown, DateTimeOffset now)
        {
            var indexes = Enumerable.Range(0, rows.Count).Where(i => !unknown.Contains(rows[i].Customer.CustomerId)).ToArray();
            var t = indexes.Select(i => rows[i]).ToArray();
            return new ArrayParameters(
                indexes, [.. t.Select(r => r.TransactionId)], [.. t.Select(r => r.Source)], [.. t.Select(r => r.OrderId)],
                [.. t.Select(r => r.Customer.CustomerId)], [.. t.Select(r => r.OccurredAt)], [.. t.Select(r => r.GrossAmount)],
                [.. t.Select(r => r.DiscountAmount)], [.. t.Select(r => r.CostAmount)], [.. t.Select(r => r.Currency)],
                [.. t.Select(r => r.Quantity)], [.. t.Select(r => r.Channel)], [.. t.Select(r => r.Category)],
                [.. t.Select(r => r.PromotionCode)], [.. t.Select(r => r.CampaignCode)], [.. t.Select(r => r.IsReturn)], now);
        }
    }
}

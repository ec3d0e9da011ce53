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
/// binary COPY into a temporary stage, one INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING that tells which are
/// new, and <see cref="TransactionsRecorded"/> events for the new ones only (batches of at most 1,000, one outbox
/// insert). A replayed order is a duplicate; a replay with different values is a conflict and the stored version stays.
/// </summary>
public sealed class TransactionWriter(KnownCustomers customers, Outbox outbox, TimeProvider time)
{
    // ON COMMIT DROP: the stage lives only as long as the caller's transaction (pooled connections stay clean).
    private const string CreateStageSql = """
        DROP TABLE IF EXISTS transaction_stage;
        CREATE TEMP TABLE transaction_stage (
            row_index       integer       NOT NULL,
            transaction_id  uuid          NOT NULL,
            source          text          NOT NULL,
            order_id        text          NOT NULL,
            customer_id     uuid          NOT NULL,
            occurred_at     timestamptz   NOT NULL,
            gross_amount    numeric(14,2) NOT NULL,
            discount_amount numeric(14,2) NOT NULL,
            cost_amount     numeric(14,2) NULL,
            currency        text          NOT NULL,
            quantity        integer       NOT NULL,
            channel         text          NULL,
            category        text          NULL,
            promotion_code  text          NULL,
            campaign_code   text          NULL,
            is_return       boolean       NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopySql = """
        COPY transaction_stage (row_index, transaction_id, source, order_id, customer_id, occurred_at, gross_amount,
            discount_amount, cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>Up to this many rows the stage is sent as arrays; a temporary table costs more than such a write.</summary>
    public const int MaxArrayStageRows = 100;

    // The stage of a small write: the same columns as transaction_stage, as array parameters.
    private const string ArrayStage = """
        unnest(@RowIndexes, @TransactionIds, @Sources, @OrderIds, @CustomerIds, @OccurredAts, @GrossAmounts, @DiscountAmounts,
               @CostAmounts, @Currencies, @Quantities, @Channels, @Categories, @PromotionCodes, @CampaignCodes, @IsReturns)
        AS s (row_index, transaction_id, source, order_id, customer_id, occurred_at, gross_amount,
               discount_amount, cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return)
        """;

    // {stage} is the stage, aliased s; {distinct} is DISTINCT ON (transaction_id) when an order id occurs more than
    // once among the rows: then the first row is inserted (the others are compared with it like any replay). Without
    // repeats the sort that DISTINCT ON needs is left out.
    private const string InsertSql = """
        INSERT INTO transactions (transaction_id, source, order_id, customer_id, occurred_at, gross_amount, discount_amount,
            cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return, recorded_at)
        SELECT {distinct} transaction_id, source, order_id, customer_id, occurred_at, gross_amount,
            discount_amount, cost_amount, currency, quantity, channel, category, promotion_code, campaign_code, is_return, @Now
        FROM {stage}
        {order}
        ON CONFLICT (transaction_id) DO NOTHING
        RETURNING transaction_id
        """;

    // Numeric and timestamp comparisons are by value: 10.5 equals 10.50, and the same instant in another offset is equal.
    private const string ConflictsSql = """
        SELECT s.row_index
        FROM {stage}
        JOIN transactions t ON t.transaction_id = s.transaction_id
        WHERE (s.customer_id, s.occurred_at, s.gross_amount, s.discount_amount, s.cost_amount, s.currency, s.quantity,
               s.channel, s.category, s.promotion_code, s.campaign_code, s.is_return)
              IS DISTINCT FROM
              (t.customer_id, t.occurred_at, t.gross_amount, t.discount_amount, t.cost_amount, t.currency::text, t.quantity,
               t.channel, t.category, t.promotion_code, t.campaign_code, t.is_return)
        """;

    private static readonly StageStatements FromTable = StageStatements.For(InsertSql, ConflictsSql, "transaction_stage AS s", "transaction_id");
    private static readonly StageStatements FromArrays = StageStatements.For(InsertSql, ConflictsSql, ArrayStage, "transaction_id");

    /// <summary>
    /// Writes <paramref name="rows"/> in <paramref name="tx"/> and returns each row's outcome (input order). Rows of
    /// unknown customers and conflicting replays are not written; the caller decides whether that fails the whole
    /// request (the API: all or nothing) or only those rows (an import). The caller commits.
    /// </summary>
    public Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedTransaction> rows, bool createCustomers, CancellationToken ct) =>
        WriteAsync(tx, rows, createCustomers, knownCustomers: null, ct);

    /// <summary>As above; <paramref name="knownCustomers"/> remembers customers known to exist across calls (see <see cref="KnownCustomers"/>).</summary>
    public async Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedTransaction> rows, bool createCustomers, ISet<Guid>? knownCustomers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return new WriteResult([], time.GetUtcNow());
        }

        var unknown = await customers.FindUnknownAsync(tx, rows.Select(r => r.Customer), createCustomers, knownCustomers, ct);
        var now = IsoTimestamp.ToMicroseconds(time.GetUtcNow());
        var (sql, parameters, staged) = rows.Count <= MaxArrayStageRows
            ? (FromArrays, ArrayParameters.Of(rows, unknown, now), rows.Count - rows.Count(r => unknown.Contains(r.Customer.CustomerId)))
            : (FromTable, (object)new { Now = now }, await CopyStageAsync(tx, rows, unknown, ct));
        var outcomes = await sql.RunAsync(tx, rows, r => r.TransactionId, r => r.Customer.CustomerId, unknown, parameters, staged, ct);
        var recorded = rows.Where((_, i) => outcomes[i] == RowOutcome.New).Select(ToRecord).ToList();
        await outbox.AddRangeAsync(tx, EventBatches.Split(recorded, batch => new TransactionsRecorded { Transactions = batch }), ct);
        return new WriteResult(outcomes, now);
    }

    private static async Task<int> CopyStageAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedTransaction> rows, HashSet<Guid> unknown, CancellationToken ct)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition(CreateStageSql, transaction: tx, cancellationToken: ct));
        var staged = 0;
        await using var copy = await connection.BeginBinaryImportAsync(CopySql, ct);
        for (var i = 0; i < rows.Count; i++)
        {
            var t = rows[i];
            if (unknown.Count > 0 && unknown.Contains(t.Customer.CustomerId))
            {
                continue;
            }

            await copy.StartRowAsync(ct);
            await copy.WriteAsync(i, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(t.TransactionId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(t.Source, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.OrderId, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.Customer.CustomerId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(t.OccurredAt, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(t.GrossAmount, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(t.DiscountAmount, NpgsqlDbType.Numeric, ct);
            await copy.WriteOptionalAsync(t.CostAmount, ct);
            await copy.WriteAsync(t.Currency, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.Quantity, NpgsqlDbType.Integer, ct);
            await copy.WriteOptionalAsync(t.Channel, ct);
            await copy.WriteOptionalAsync(t.Category, ct);
            await copy.WriteOptionalAsync(t.PromotionCode, ct);
            await copy.WriteOptionalAsync(t.CampaignCode, ct);
            await copy.WriteAsync(t.IsReturn, NpgsqlDbType.Boolean, ct);
            staged++;
        }

        await copy.CompleteAsync(ct);
        return staged;
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

    /// <summary>The stage of a small write as array parameters (column by column; rows of unknown customers left out).</summary>
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

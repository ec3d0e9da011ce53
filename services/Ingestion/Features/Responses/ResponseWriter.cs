using Dapper;
using Ingestion.Features.Customers;
using Ingestion.Features.Transactions;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.Data.Staging;
using Platform.ServiceDefaults.Validation;

namespace Ingestion.Features.Responses;

/// <summary>
/// The one way responses are written (API and imports), set-based like <see cref="TransactionWriter"/>: the rows as
/// array parameters, INSERT ... ON CONFLICT DO NOTHING RETURNING for the new ones, <see cref="ResponsesRecorded"/>
/// batches for those only. A new opted-out response withdraws that channel's consent (when newer than the stored
/// decision) and publishes the customer's new version, in the same transaction.
/// </summary>
public sealed class ResponseWriter(KnownCustomers customers, ConsentWriter consents, CustomerWriter customerWriter, Outbox outbox, TimeProvider time)
{
    // The stage: the rows as array parameters, one per column (see TransactionWriter).
    private const string ArrayStage = """
        unnest(@RowIndexes, @ResponseIds, @Sources, @ExternalIds, @CampaignCodes, @CustomerIds, @Channels, @Types, @OccurredAts, @Values)
        AS s (row_index, response_id, source, external_id, campaign_code, customer_id, channel, type, occurred_at, value)
        """;

    // {stage} is the stage, aliased s; {distinct} and {order} keep the first of repeated ids (see TransactionWriter).
    private const string InsertSql = """
        INSERT INTO responses (response_id, source, external_id, campaign_code, customer_id, channel, type, occurred_at, value, recorded_at)
        SELECT {distinct} response_id, source, external_id, campaign_code, customer_id, channel, type, occurred_at, value, @Now
        FROM {stage}
        {order}
        ON CONFLICT (response_id) DO NOTHING
        RETURNING response_id
        """;

    // Source and external id are left out: with a channel id they are what the id is made of, and without one the same
    // fact reported by a second system is a duplicate, not a conflict.
    private const string ConflictsSql = """
        SELECT s.row_index
        FROM {stage}
        JOIN responses r ON r.response_id = s.response_id
        WHERE (s.campaign_code, s.customer_id, s.channel, s.type, s.occurred_at, s.value)
              IS DISTINCT FROM
              (r.campaign_code, r.customer_id, r.channel, r.type, r.occurred_at, r.value)
        """;

    private static readonly StageStatements FromArrays = StageStatements.For(InsertSql, ConflictsSql, ArrayStage, "response_id");

    /// <summary>Writes <paramref name="rows"/> in <paramref name="tx"/>; outcomes in input order (as <see cref="TransactionWriter"/> does).</summary>
    public Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedResponse> rows, bool createCustomers, CancellationToken ct) =>
        WriteAsync(tx, rows, createCustomers, knownCustomers: null, ct);

    /// <summary>As above; <paramref name="knownCustomers"/> remembers customers known to exist across calls (see <see cref="KnownCustomers"/>).</summary>
    public async Task<WriteResult> WriteAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedResponse> rows, bool createCustomers, KnownCustomerSet? knownCustomers, CancellationToken ct)
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
        var outcomes = await FromArrays.RunAsync(tx, rows, r => r.ResponseId, r => r.Customer.CustomerId, unknown, ArrayParameters.Of(rows, unknown, now), staged, ct);
        var fresh = rows.Where((_, i) => outcomes[i] == RowOutcome.New).ToList();
        var recorded = fresh.Select(ToRecord).ToList();
        var optOuts = fresh.Where(r => r.Type == ResponseVocabulary.OptedOut).ToList();
        await outbox.AddRangeAsync(tx, EventBatches.Split(recorded, batch => new ResponsesRecorded { Responses = batch }), ct);
        await WithdrawConsentsAsync(tx, optOuts, ct);
        return new WriteResult(outcomes, now);
    }

    /// <summary>
    /// One withdrawal per customer and channel (the latest opt-out of the batch): ConsentWriter decides, in one statement,
    /// whether each is newer than what is stored; customers whose consent changed are published once, set-based.
    /// </summary>
    private async Task WithdrawConsentsAsync(NpgsqlTransaction tx, List<NormalizedResponse> optOuts, CancellationToken ct)
    {
        if (optOuts.Count == 0)
        {
            return;
        }

        var withdrawals = optOuts
            .GroupBy(r => (r.Customer.CustomerId, r.Channel))
            .Select(g => g.MaxBy(r => r.OccurredAt)!)
            .Select(r => new ConsentWithdrawal(r.Customer.CustomerId, r.Channel, r.OccurredAt, $"response:{r.ResponseId}"))
            .ToList();
        var changed = await consents.WithdrawAsync(tx, withdrawals, ct);
        await customerWriter.PublishAsync(tx, changed, ct);
    }

    private static ResponseRecord ToRecord(NormalizedResponse r) => new()
    {
        ResponseId = r.ResponseId,
        CampaignCode = r.CampaignCode,
        CustomerId = r.Customer.CustomerId,
        Channel = r.Channel,
        Type = r.Type,
        OccurredAt = r.OccurredAt,
        Value = r.Value,
    };

    /// <summary>The stage as array parameters (column by column; rows of unknown customers left out).</summary>
    private sealed record ArrayParameters(
        int[] RowIndexes, Guid[] ResponseIds, string[] Sources, string?[] ExternalIds, string[] CampaignCodes, Guid[] CustomerIds,
        string[] Channels, string[] Types, DateTimeOffset[] OccurredAts, decimal?[] Values, DateTimeOffset Now)
    {
        public static ArrayParameters Of(IReadOnlyList<NormalizedResponse> rows, HashSet<Guid> unknown, DateTimeOffset now)
        {
            var indexes = Enumerable.Range(0, rows.Count).Where(i => !unknown.Contains(rows[i].Customer.CustomerId)).ToArray();
            var r = indexes.Select(i => rows[i]).ToArray();
            return new ArrayParameters(
                indexes, [.. r.Select(x => x.ResponseId)], [.. r.Select(x => x.Source)], [.. r.Select(x => x.ExternalId)],
                [.. r.Select(x => x.CampaignCode)], [.. r.Select(x => x.Customer.CustomerId)], [.. r.Select(x => x.Channel)],
                [.. r.Select(x => x.Type)], [.. r.Select(x => x.OccurredAt)], [.. r.Select(x => x.Value)], now);
        }
    }
}

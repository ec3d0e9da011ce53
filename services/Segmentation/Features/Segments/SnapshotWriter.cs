using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Ingestion;
using Platform.Contracts.Segmentation;
using Platform.Data;
using Segmentation.Features.Scoring;

namespace Segmentation.Features.Segments;

/// <summary>A frozen snapshot as the API shows it.</summary>
public sealed record SnapshotInfo(Guid Id, Guid SegmentId, string SegmentName, string? Purpose, DateTimeOffset AsOf, Guid? ScoreRunId, int MemberCount, DateTimeOffset CreatedAt);

/// <summary>
/// Freezes a segment's membership (the HTTP endpoint and <see cref="CreateSegmentSnapshotConsumer"/> both come here):
/// members and the fields campaigns need are copied into <c>segment_snapshot_members</c> by one set-based statement,
/// then read back in customer id order, <see cref="BatchSize"/> at a time, each chunk becoming one
/// <see cref="SegmentSnapshotMembersAdded"/> in the outbox as it is read: a million members are never held in memory at
/// once. All in the caller's transaction (all or nothing). Database triggers keep the snapshot from ever changing
/// afterwards (only an erasure removes a member).
/// </summary>
public sealed class SnapshotWriter(Outbox outbox, ScoringRequests scoring, TimeProvider time)
{
    /// <summary>Members per <see cref="SegmentSnapshotMembersAdded"/> message.</summary>
    public const int BatchSize = 1_000;

    // Net revenue and orders of the window are read from the per-day sums, so the window is whole UTC days: the as-of
    // day and the 364 before it.
    private const int WindowDays = 365;

    // Namespace of the per-snapshot advisory locks (the second key is a hash of the id): two commands with the same
    // snapshot id, on any replica, run one after the other, and the second finds the snapshot taken.
    private const int SnapshotLockNamespace = 0x5e9_5a0;

    private const string LockSnapshotSql = "SELECT pg_advisory_xact_lock(@Namespace, hashtext(@Id::text))";

    private const string ExistingSql = """
        SELECT id, segment_id AS SegmentId, segment_name AS SegmentName, purpose, as_of AS AsOf, score_run_id AS ScoreRunId,
               member_count AS MemberCount, created_at AS CreatedAt
        FROM segment_snapshots WHERE id = @Id
        """;

    // FOR SHARE: a concurrent change or deletion of the segment waits until the snapshot is taken (or vice versa).
    private const string SegmentSql = """
        SELECT id, name, description, rule::text AS Rule, created_at AS CreatedAt, updated_at AS UpdatedAt, deleted_at AS DeletedAt
        FROM segments WHERE id = @Id FOR SHARE
        """;

    // Tables loaded minutes ago (a bulk import) may not be analyzed yet; planned on empty-table statistics the insert below
    // ran for minutes instead of a second (a nested loop over the daily purchases of every member). A sample costs
    // milliseconds, as for Campaigns' contacts before each step.
    private const string AnalyzeSql = "ANALYZE customer_profiles, customer_purchases, customer_daily_purchases, customer_scores";

    private const string LatestRunSql = "SELECT id FROM score_runs WHERE status = 'completed' ORDER BY finished_at DESC, id LIMIT 1";

    // One statement: the members are computed once (MATERIALIZED), counted into the header and copied. The header
    // and its members land in the same statement, which the foreign key checks at its end. CLV is kept to the cent
    // and p_alive to 4 places: what campaigns need, and every member's JSON crosses the broker.
    private const string InsertTemplate = """
        WITH m AS MATERIALIZED (
            SELECT b.customer_id, b.value_tier, b.rfm_cell, round(b.clv::numeric, 2)::double precision AS clv,
                   round(b.p_alive::numeric, 4)::double precision AS p_alive, b.churn_risk, coalesce(b.deal_seeker, false) AS deal_seeker,
                   b.consent_email, b.consent_sms, b.consent_mail, b.consent_phone,
                   coalesce(y.net_revenue_365, 0) AS net_revenue_365, coalesce(y.orders_365, 0)::int AS orders_365, b.lifecycle
            FROM {1}
            LEFT JOIN (
                SELECT customer_id AS window_customer_id, sum(net_revenue) AS net_revenue_365,
                       sum(orders_count) FILTER (WHERE NOT is_return) AS orders_365
                FROM customer_daily_purchases
                WHERE day BETWEEN @window_from AND @window_to
                GROUP BY customer_id
            ) y ON y.window_customer_id = b.customer_id
            WHERE {0}
        ),
        header AS (
            INSERT INTO segment_snapshots (id, segment_id, segment_name, rule, purpose, as_of, score_run_id, member_count, created_at)
            SELECT @snapshot_id, @segment_id, @segment_name, @segment_rule::jsonb, @purpose, @base_as_of, @score_run_id, count(*), @base_as_of
            FROM m
        )
        INSERT INTO segment_snapshot_members (snapshot_id, customer_id, value_tier, rfm_cell, clv, p_alive, churn_risk, deal_seeker,
            consent_email, consent_sms, consent_mail, consent_phone, net_revenue_365, orders_365, lifecycle)
        SELECT @snapshot_id, m.* FROM m ORDER BY m.customer_id
        """;

    // A cursor, not keyset queries: the members were inserted by this very transaction, so the table's statistics do
    // not know them and each keyset query could be planned as a scan of the whole table (measured: 1,000 chunks of a
    // million members took minutes). The cursor's one plan reads them once, in order, a chunk per FETCH.
    private const string OpenCursorSql = """
        DECLARE snapshot_members NO SCROLL CURSOR FOR
        SELECT customer_id AS CustomerId, value_tier AS ValueTier, rfm_cell AS RfmCell, clv, p_alive AS ProbabilityAlive,
               churn_risk AS ChurnRisk, deal_seeker AS DealSeeker, consent_email AS ConsentEmail, consent_sms AS ConsentSms,
               consent_mail AS ConsentMail, consent_phone AS ConsentPhone, net_revenue_365 AS NetRevenue365, orders_365 AS Orders365,
               lifecycle
        FROM segment_snapshot_members
        WHERE snapshot_id = @Id
        ORDER BY customer_id
        """;

    private static readonly string FetchSql = FormattableString.Invariant($"FETCH FORWARD {BatchSize} FROM snapshot_members");

    private const string CloseCursorSql = "CLOSE snapshot_members";

    /// <summary>
    /// Takes the snapshot <paramref name="snapshotId"/> of <paramref name="segmentId"/> as of now, in
    /// <paramref name="tx"/>. If a snapshot with that id exists already, returns it and writes nothing (whatever segment
    /// it was of). A segment that does not exist or was deleted gives a refusal and writes nothing.
    /// </summary>
    public async Task<SnapshotOutcome> CreateAsync(NpgsqlTransaction tx, Guid snapshotId, Guid segmentId, string? purpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition(LockSnapshotSql, new { Namespace = SnapshotLockNamespace, Id = snapshotId }, tx, cancellationToken: ct));
        if (await connection.QuerySingleOrDefaultAsync<SnapshotInfo>(new CommandDefinition(ExistingSql, new { Id = snapshotId }, tx, cancellationToken: ct)) is { } existing)
        {
            return new SnapshotOutcome(existing, Created: false, Refusal: null);
        }

        var segment = await connection.QuerySingleOrDefaultAsync<LockedSegment>(new CommandDefinition(SegmentSql, new { Id = segmentId }, tx, cancellationToken: ct));
        if (segment is null)
        {
            return new SnapshotOutcome(null, Created: false, Refusal: $"Segment {segmentId} does not exist.");
        }

        if (segment.DeletedAt is not null)
        {
            return new SnapshotOutcome(null, Created: false, Refusal: $"Segment '{segment.Name}' ({segmentId}) was deleted.");
        }

        var asOf = time.GetUtcNow();
        var row = new SegmentRow(segment.Id, segment.Name, segment.Description, segment.Rule, segment.CreatedAt, segment.UpdatedAt);
        var rule = SegmentsApi.StoredRule(row, asOf);
        var marginRate = (await scoring.GetSettingsAsync(ct)).DefaultMarginRate;
        var runId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(LatestRunSql, transaction: tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(AnalyzeSql, transaction: tx, cancellationToken: ct));
        var count = await InsertMembersAsync(tx, snapshotId, row, purpose, runId, rule, asOf, marginRate, ct);

        var batchCount = (count + BatchSize - 1) / BatchSize;
        await outbox.AddAsync(tx, new SegmentSnapshotCreated
        {
            SnapshotId = snapshotId, SegmentId = segmentId, SegmentName = segment.Name, Purpose = purpose, AsOf = asOf, MemberCount = count, BatchCount = batchCount,
        }, ct);
        await AddMemberBatchesAsync(tx, snapshotId, count, batchCount, ct);
        return new SnapshotOutcome(new SnapshotInfo(snapshotId, segmentId, segment.Name, purpose, asOf, runId, count, asOf), Created: true, Refusal: null);
    }

    private static async Task<int> InsertMembersAsync(
        NpgsqlTransaction tx, Guid snapshotId, SegmentRow segment, string? purpose, Guid? runId, CompiledRule rule, DateTimeOffset asOf, double marginRate, CancellationToken ct)
    {
        var asOfDay = DateOnly.FromDateTime(asOf.UtcDateTime);
        await using var command = SegmentQueries.Command(tx.Connection!, InsertTemplate, rule, asOf, marginRate, tx);
        command.CommandTimeout = 0; // a million members take a while; the transaction, not a timer, bounds it
        command.Parameters.Add(new NpgsqlParameter("snapshot_id", NpgsqlDbType.Uuid) { Value = snapshotId });
        command.Parameters.Add(new NpgsqlParameter("segment_id", NpgsqlDbType.Uuid) { Value = segment.Id });
        command.Parameters.Add(new NpgsqlParameter("segment_name", NpgsqlDbType.Text) { Value = segment.Name });
        command.Parameters.Add(new NpgsqlParameter("segment_rule", NpgsqlDbType.Text) { Value = segment.Rule });
        command.Parameters.Add(new NpgsqlParameter("purpose", NpgsqlDbType.Text) { Value = (object?)purpose ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("score_run_id", NpgsqlDbType.Uuid) { Value = (object?)runId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("window_from", NpgsqlDbType.Date) { Value = asOfDay.AddDays(1 - WindowDays) });
        command.Parameters.Add(new NpgsqlParameter("window_to", NpgsqlDbType.Date) { Value = asOfDay });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task AddMemberBatchesAsync(NpgsqlTransaction tx, Guid snapshotId, int count, int batchCount, CancellationToken ct)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition(OpenCursorSql, new { Id = snapshotId }, tx, cancellationToken: ct));
        for (var batch = 1; batch <= batchCount; batch++)
        {
            var chunk = (await connection.QueryAsync<MemberRow>(new CommandDefinition(FetchSql, transaction: tx, cancellationToken: ct))).AsList();
            await outbox.AddAsync(tx, new SegmentSnapshotMembersAdded
            {
                SnapshotId = snapshotId,
                BatchNumber = batch,
                BatchCount = batchCount,
                MemberCount = count,
                Members = chunk.ConvertAll(m => m.ToMember()),
            }, ct);
        }

        await connection.ExecuteAsync(new CommandDefinition(CloseCursorSql, transaction: tx, cancellationToken: ct));
    }

    private sealed record LockedSegment(
        Guid Id, string Name, string? Description, string Rule, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt);

    private sealed record MemberRow(
        Guid CustomerId, string? ValueTier, string? RfmCell, double? Clv, double? ProbabilityAlive, string? ChurnRisk, bool DealSeeker,
        bool? ConsentEmail, bool? ConsentSms, bool? ConsentMail, bool? ConsentPhone, decimal NetRevenue365, int Orders365, string? Lifecycle)
    {
        public SnapshotMember ToMember() => new()
        {
            CustomerId = CustomerId,
            ValueTier = ValueTier,
            RfmCell = RfmCell,
            Clv = Clv,
            ProbabilityAlive = ProbabilityAlive,
            ChurnRisk = ChurnRisk,
            DealSeeker = DealSeeker,
            Consents = new ChannelConsents { Email = ConsentEmail, Sms = ConsentSms, Mail = ConsentMail, Phone = ConsentPhone },
            NetRevenue365 = NetRevenue365,
            Orders365 = Orders365,
            Lifecycle = Lifecycle,
        };
    }
}

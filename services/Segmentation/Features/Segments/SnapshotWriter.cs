using Dapper;
using Npgsql;
using Platform.Contracts.Ingestion;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Segmentation.Features.Segments;

/// <summary>A frozen snapshot as the API shows it.</summary>
public sealed record SnapshotInfo(Guid Id, Guid SegmentId, string SegmentName, string? Purpose, DateTimeOffset AsOf, Guid? ScoreRunId, int MemberCount, DateTimeOffset CreatedAt);

/// <summary>
/// Freezes a segment's membership: members and the fields campaigns need are copied into
/// <c>segment_snapshot_members</c>, and <see cref="SegmentSnapshotCreated"/> plus the members in batches of
/// <see cref="BatchSize"/> go to the outbox, all in one transaction (all or nothing). Database triggers keep the
/// snapshot from ever changing afterwards (only an erasure removes a member).
/// </summary>
public sealed class SnapshotWriter(NpgsqlDataSource dataSource, Outbox outbox, TimeProvider time)
{
    /// <summary>Members per <see cref="SegmentSnapshotMembersAdded"/> message.</summary>
    public const int BatchSize = 1_000;

    private const string MembersTemplate = """
        CREATE TEMP TABLE new_snapshot_members ON COMMIT DROP AS
        SELECT b.customer_id, b.value_tier, b.rfm_cell, b.clv, b.p_alive, b.churn_risk, coalesce(b.deal_seeker, false) AS deal_seeker,
               b.consent_email, b.consent_sms, b.consent_mail, b.consent_phone
        FROM {1} WHERE {0}
        """;

    private const string LatestRunSql = "SELECT id FROM score_runs WHERE status = 'completed' ORDER BY finished_at DESC, id LIMIT 1";

    private const string HeaderSql = """
        INSERT INTO segment_snapshots (id, segment_id, segment_name, rule, purpose, as_of, score_run_id, member_count, created_at)
        VALUES (@Id, @SegmentId, @SegmentName, @Rule::jsonb, @Purpose, @AsOf, @ScoreRunId, (SELECT count(*) FROM new_snapshot_members), @AsOf)
        RETURNING member_count
        """;

    private const string CopyMembersSql = """
        INSERT INTO segment_snapshot_members (snapshot_id, customer_id, value_tier, rfm_cell, clv, p_alive, churn_risk, deal_seeker,
            consent_email, consent_sms, consent_mail, consent_phone)
        SELECT @Id, m.* FROM new_snapshot_members m ORDER BY m.customer_id
        """;

    private const string ReadMembersSql = """
        SELECT customer_id AS CustomerId, value_tier AS ValueTier, rfm_cell AS RfmCell, clv, p_alive AS ProbabilityAlive,
               churn_risk AS ChurnRisk, deal_seeker AS DealSeeker, consent_email AS ConsentEmail, consent_sms AS ConsentSms,
               consent_mail AS ConsentMail, consent_phone AS ConsentPhone
        FROM new_snapshot_members ORDER BY customer_id
        """;

    /// <summary>Takes the snapshot of <paramref name="segment"/> with its compiled rule, as of now.</summary>
    public async Task<SnapshotInfo> CreateAsync(SegmentRow segment, CompiledRule rule, string? purpose, double marginRate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(rule);
        var id = Guid.CreateVersion7();
        var asOf = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = SegmentQueries.Command(connection, MembersTemplate, rule, asOf, marginRate, tx))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        var runId = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(LatestRunSql, transaction: tx, cancellationToken: ct));
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(HeaderSql, new
        {
            Id = id, SegmentId = segment.Id, SegmentName = segment.Name, Rule = segment.Rule, Purpose = purpose, AsOf = asOf, ScoreRunId = runId,
        }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(CopyMembersSql, new { Id = id }, tx, cancellationToken: ct));

        var members = (await connection.QueryAsync<MemberRow>(new CommandDefinition(ReadMembersSql, transaction: tx, cancellationToken: ct))).ToList();
        var batchCount = (members.Count + BatchSize - 1) / BatchSize;
        await outbox.AddAsync(tx, new SegmentSnapshotCreated
        {
            SnapshotId = id, SegmentId = segment.Id, SegmentName = segment.Name, Purpose = purpose, AsOf = asOf, MemberCount = count, BatchCount = batchCount,
        }, ct);
        var batches = members.Chunk(BatchSize).Select((chunk, i) => new SegmentSnapshotMembersAdded
        {
            SnapshotId = id,
            BatchNumber = i + 1,
            BatchCount = batchCount,
            MemberCount = count,
            Members = chunk.Select(m => m.ToMember()).ToArray(),
        }).ToList();
        if (batches.Count > 0)
        {
            await outbox.AddRangeAsync(tx, batches, ct);
        }

        await tx.CommitAsync(ct);
        SegmentationTelemetry.SnapshotMembers.Add(count);
        return new SnapshotInfo(id, segment.Id, segment.Name, purpose, asOf, runId, count, asOf);
    }

    private sealed record MemberRow(
        Guid CustomerId, string? ValueTier, string? RfmCell, double? Clv, double? ProbabilityAlive, string? ChurnRisk, bool DealSeeker,
        bool? ConsentEmail, bool? ConsentSms, bool? ConsentMail, bool? ConsentPhone)
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
        };
    }
}

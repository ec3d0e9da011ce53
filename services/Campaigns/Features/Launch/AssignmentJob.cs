using Campaigns.Features.Design;
using Campaigns.Features.Dispatch;
using Campaigns.Features.Policy;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Campaigns;
using Platform.Data;
using Platform.Data.Jobs;
using ContractAssignment = Platform.Contracts.Campaigns.Assignment;

namespace Campaigns.Features.Launch;

/// <summary>
/// Assigns a launched campaign's members, on the shared scheduler, once its launch snapshot is complete. First
/// transaction: <c>launch_state</c> awaiting_snapshot → assigning, the waves and the global control setting fixed on the
/// campaign, <see cref="CampaignLaunched"/> in the outbox. Then one transaction per chunk of
/// <see cref="LaunchOptions.ChunkSize"/> members in customer id order: the chunk's assignments
/// (<see cref="AssignmentStatement"/>), its <see cref="CustomersAssigned"/> batches (numbered on from
/// <c>assigned_batches</c>) and the cursor. A job that dies resumes at the cursor: every member and every batch exactly
/// once, and never the whole snapshot in memory. The chunk that finds the end sets <c>launch_state</c> assigned and the
/// status (running when the first wave has started, else scheduled until dispatch's first step moves it) and calls the
/// <see cref="ICampaignLaunchListener"/>s (dispatch schedules the steps there) in the same transaction.
/// </summary>
public sealed class AssignmentJob(
    NpgsqlDataSource db, Outbox outbox, TimeProvider time, IOptions<LaunchOptions> options, IEnumerable<ICampaignLaunchListener> listeners)
    : IJobHandler<AssignCampaign>
{
    /// <summary>The job kind.</summary>
    public static readonly JobKind<AssignCampaign> Kind = new("campaigns.assign");

    private const string LockSql = """
        SELECT id AS Id, status AS Status, launch_state AS LaunchState, design::text AS Design, snapshot_id AS SnapshotId,
               launched_at AS LaunchedAt, member_count AS MemberCount, assigned_count AS AssignedCount, assign_cursor AS AssignCursor,
               assigned_batches AS AssignedBatches, launched_waves::text AS LaunchedWaves,
               global_control_share AS GlobalControlShare, global_control_salt AS GlobalControlSalt
        FROM campaigns WHERE id = @CampaignId FOR UPDATE
        """;

    private const string MemberCountSql = "SELECT count(*)::integer FROM snapshot_members WHERE snapshot_id = @SnapshotId";

    private const string BeginSql = """
        UPDATE campaigns SET launch_state = 'assigning', member_count = @MemberCount, launched_waves = @Waves::jsonb,
            global_control_share = @Share, global_control_salt = @Salt, assign_cursor = NULL, assigned_count = 0, assigned_batches = 0,
            updated_at = @Now
        WHERE id = @CampaignId
        """;

    private const string ProgressSql = """
        UPDATE campaigns SET assign_cursor = @Cursor, assigned_count = assigned_count + @Assigned, assigned_batches = assigned_batches + @Batches,
            updated_at = @Now
        WHERE id = @CampaignId
        """;

    // A campaign cancelled while it was being assigned stays cancelled.
    private const string FinishSql = """
        UPDATE campaigns SET launch_state = 'assigned', status = CASE WHEN status = 'scheduled' THEN @Status ELSE status END, updated_at = @Now
        WHERE id = @CampaignId
        """;

    public async Task RunAsync(AssignCampaign payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!await BeginAsync(payload.CampaignId, ct))
        {
            return;
        }

        while (!await AssignChunkAsync(payload.CampaignId, ct))
        {
        }
    }

    /// <summary>Moves the launch to assigning (once); false when there is nothing to assign (already assigned, failed, or unknown).</summary>
    private async Task<bool> BeginAsync(Guid campaignId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var campaign = await LockAsync(tx, campaignId, ct);
        if (campaign?.LaunchState == "assigning")
        {
            return true; // a previous attempt began: resume at the cursor
        }

        if (campaign is not { LaunchState: "awaiting_snapshot", SnapshotId: { } snapshotId })
        {
            return false;
        }

        var now = time.GetUtcNow();
        var design = campaign.ReadDesign();
        // Waves count from the launch request, as dispatch schedules them (DispatchPlanner reads launched_at too).
        var waves = LaunchWaves.Materialize(design.Waves, campaign.LaunchedAt ?? now);
        var globalControl = await GlobalControl.LoadAsync(connection, tx, ct);
        var memberCount = await connection.ExecuteScalarAsync<int>(new CommandDefinition(MemberCountSql, new { SnapshotId = snapshotId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(BeginSql, new
        {
            CampaignId = campaignId, MemberCount = memberCount, Waves = LaunchWaves.Serialize(waves),
            globalControl.Share, globalControl.Salt, Now = now,
        }, tx, cancellationToken: ct));
        await outbox.AddAsync(tx, LaunchEvents.Launched(campaignId, design, snapshotId, campaign.LaunchedAt ?? now, waves, memberCount, globalControl.Share), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Assigns the next chunk in its own transaction; true when the launch is finished (or no longer assigning).</summary>
    private async Task<bool> AssignChunkAsync(Guid campaignId, CancellationToken ct)
    {
        var chunkSize = options.Value.ChunkSize;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The row lock makes a second runner of the same job (a lost lease) wait and then see the advanced cursor.
        if (await LockAsync(tx, campaignId, ct) is not { LaunchState: "assigning", SnapshotId: { } snapshotId } campaign)
        {
            return true;
        }

        // An erasure running now either commits first (its snapshot row is gone before this chunk reads) or waits for
        // this chunk to commit and then anonymizes the customer's new assignment.
        await ErasureLock.LockSharedAsync(tx, ct);
        var design = campaign.ReadDesign();
        var waves = LaunchWaves.Deserialize(campaign.LaunchedWaves!);
        var statement = AssignmentStatement.For(campaignId, snapshotId, design.Cells, waves,
            new GlobalControl(campaign.GlobalControlShare ?? 0, campaign.GlobalControlSalt ?? Guid.Empty), fromStart: campaign.AssignCursor is null);
        if (campaign.AssignCursor is { } cursor)
        {
            statement.Parameters.Add("Cursor", cursor);
        }

        statement.Parameters.Add("ChunkSize", chunkSize);
        var assigned = (await connection.QueryAsync<ContractAssignment>(new CommandDefinition(statement.Sql, statement.Parameters, tx, cancellationToken: ct))).AsList();

        var batchCount = (campaign.MemberCount.GetValueOrDefault() + LaunchOptions.BatchSize - 1) / LaunchOptions.BatchSize;
        var batches = assigned.Chunk(LaunchOptions.BatchSize).Select((members, i) => new CustomersAssigned
        {
            CampaignId = campaignId,
            BatchNumber = campaign.AssignedBatches + i + 1,
            BatchCount = Math.Max(batchCount, campaign.AssignedBatches + i + 1),
            Assignments = members,
        }).ToList();
        await outbox.AddRangeAsync(tx, batches, ct);
        var now = time.GetUtcNow();
        if (assigned.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(ProgressSql, new
            {
                CampaignId = campaignId, Cursor = assigned[^1].CustomerId, Assigned = assigned.Count, Batches = batches.Count, Now = now,
            }, tx, cancellationToken: ct));
        }

        var finished = assigned.Count < chunkSize;
        if (finished)
        {
            var firstStart = waves.Min(w => w.StartsAt);
            await connection.ExecuteAsync(new CommandDefinition(FinishSql, new
            {
                CampaignId = campaignId, Status = firstStart <= now ? "running" : "scheduled", Now = now,
            }, tx, cancellationToken: ct));
            // Fresh statistics for the step jobs' queries over the assignments just written (see SnapshotReceipt).
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE assignments", transaction: tx, cancellationToken: ct));
            // Dispatch schedules the steps here, so they exist if and only if the launch's completion commits.
            foreach (var listener in listeners)
            {
                await listener.OnCampaignAssignedAsync(tx, campaignId, ct);
            }
        }

        await tx.CommitAsync(ct);
        return finished;
    }

    private static async Task<CampaignRow?> LockAsync(NpgsqlTransaction tx, Guid campaignId, CancellationToken ct) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(LockSql, new { CampaignId = campaignId }, tx, cancellationToken: ct));

    private sealed class CampaignRow
    {
        public Guid Id { get; set; }
        public string Status { get; set; } = "";
        public string? LaunchState { get; set; }
        public string Design { get; set; } = "";
        public Guid? SnapshotId { get; set; }
        public DateTimeOffset? LaunchedAt { get; set; }
        public int? MemberCount { get; set; }
        public int AssignedCount { get; set; }
        public Guid? AssignCursor { get; set; }
        public int AssignedBatches { get; set; }
        public string? LaunchedWaves { get; set; }
        public double? GlobalControlShare { get; set; }
        public Guid? GlobalControlSalt { get; set; }

        public CampaignDesign ReadDesign() =>
            CampaignDesignJson.Deserialize(Design);
    }
}

using Campaigns.Features.Launch;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Snapshots;

/// <summary>
/// What the snapshot consumers share: the lock that orders them per snapshot, and the completion check. A snapshot is
/// complete when its header (<c>SegmentSnapshotCreated</c>) and all its member batches are in; completing a launch
/// snapshot enqueues the campaign's assignment job in the same transaction.
/// </summary>
public static class SnapshotReceipt
{
    // The row lock serializes the consumers of one snapshot: the one that brings the last piece sees all the others
    // (under READ COMMITTED each later statement sees what committed before the lock was granted).
    private const string LockSql = """
        SELECT snapshot_id AS SnapshotId, campaign_id AS CampaignId, purpose, status FROM snapshots WHERE snapshot_id = @SnapshotId FOR UPDATE
        """;

    private const string CompleteSql = """
        UPDATE snapshots s SET status = 'complete', completed_at = @Now
        WHERE s.snapshot_id = @SnapshotId AND s.status = 'requested' AND s.as_of IS NOT NULL
          AND s.batch_count = (SELECT count(*) FROM snapshot_batches b WHERE b.snapshot_id = s.snapshot_id)
        """;

    /// <summary>Locks the snapshot's row; null when the snapshot was not requested here (then the event is ignored).</summary>
    public static async Task<RequestedSnapshot?> LockAsync(NpgsqlTransaction tx, Guid snapshotId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return await tx.Connection!.QuerySingleOrDefaultAsync<RequestedSnapshot>(new CommandDefinition(LockSql, new { SnapshotId = snapshotId }, tx, cancellationToken: ct));
    }

    /// <summary>Marks the snapshot complete if everything is in; for a launch snapshot, enqueues the assignment job too. True when it completed now.</summary>
    public static async Task<bool> TryCompleteAsync(NpgsqlTransaction tx, RequestedSnapshot snapshot, JobStore jobs, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(jobs);
        var completed = await tx.Connection!.ExecuteAsync(new CommandDefinition(CompleteSql, new { snapshot.SnapshotId, Now = now }, tx, cancellationToken: ct)) == 1;
        if (completed)
        {
            // The members just arrived in bulk: without fresh statistics the planner takes the table for empty and
            // the assignment and preview queries over it pick plans that scan it again for every chunk.
            await tx.Connection!.ExecuteAsync(new CommandDefinition("ANALYZE snapshot_members", transaction: tx, cancellationToken: ct));
        }

        if (completed && snapshot.Purpose == SnapshotRequester.Launch)
        {
            await jobs.EnqueueAsync(tx, AssignmentJob.Kind, new AssignCampaign(snapshot.CampaignId), uniqueKey: snapshot.SnapshotId.ToString(), ct: ct);
        }

        return completed;
    }
}

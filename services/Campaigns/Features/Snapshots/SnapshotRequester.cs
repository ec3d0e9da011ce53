using Dapper;
using Npgsql;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Campaigns.Features.Snapshots;

/// <summary>
/// Asks Segmentation for a snapshot of a segment: records the request (<c>snapshots</c>) and puts the
/// <see cref="CreateSegmentSnapshot"/> command in the outbox, in the caller's transaction, so the request exists if and
/// only if the command goes out. The answer arrives as events and fills <c>snapshots</c> and <c>snapshot_members</c>.
/// </summary>
public sealed class SnapshotRequester(Outbox outbox, TimeProvider time)
{
    /// <summary>Snapshot for a plan preview.</summary>
    public const string Preview = "preview";

    /// <summary>Snapshot a launch assigns from.</summary>
    public const string Launch = "launch";

    private const string InsertSql = """
        INSERT INTO snapshots (snapshot_id, campaign_id, purpose, segment_id, requested_at)
        VALUES (@SnapshotId, @CampaignId, @Purpose, @SegmentId, @RequestedAt)
        """;

    /// <summary>Requests a snapshot of <paramref name="segmentId"/> for <paramref name="campaignId"/>; returns its id.</summary>
    public async Task<Guid> RequestAsync(NpgsqlTransaction transaction, Guid campaignId, string campaignCode, Guid segmentId, string purpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var now = time.GetUtcNow();
        var snapshotId = Guid.CreateVersion7(now);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(InsertSql,
            new { SnapshotId = snapshotId, CampaignId = campaignId, Purpose = purpose, SegmentId = segmentId, RequestedAt = now }, transaction, cancellationToken: ct));
        await outbox.AddAsync(transaction, new CreateSegmentSnapshot
        {
            SnapshotId = snapshotId, SegmentId = segmentId, Purpose = $"campaign {campaignCode} {purpose}", RequestedAt = now,
        }, ct);
        return snapshotId;
    }
}

using Dapper;
using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Campaigns.Features.Snapshots;

/// <summary>
/// Segmentation could not take a snapshot asked for here. A launch waiting for it fails with the reason, and the
/// campaign goes back to <c>draft</c> so that it can be corrected and launched again.
/// </summary>
public sealed class SegmentSnapshotRefusedConsumer(Inbox inbox, TimeProvider time) : IConsumer<SegmentSnapshotRefused>
{
    private const string RefuseSql = """
        UPDATE snapshots SET status = 'refused', refused_reason = @Reason, completed_at = @Now
        WHERE snapshot_id = @SnapshotId AND status = 'requested'
        """;

    private const string FailLaunchSql = """
        UPDATE campaigns SET launch_state = 'failed', launch_error = @Reason, status = 'draft', updated_at = @Now
        WHERE id = @CampaignId AND snapshot_id = @SnapshotId AND launch_state = 'awaiting_snapshot'
        """;

    public Task Consume(ConsumeContext<SegmentSnapshotRefused> context) =>
        inbox.ProcessOnceAsync(context, nameof(SegmentSnapshotRefusedConsumer), async (tx, ct) =>
        {
            var message = context.Message;
            if (await SnapshotReceipt.LockAsync(tx, message.SnapshotId, ct) is not { Status: "requested" } snapshot)
            {
                return;
            }

            var change = new { message.SnapshotId, snapshot.CampaignId, message.Reason, Now = time.GetUtcNow() };
            await tx.Connection!.ExecuteAsync(new CommandDefinition(RefuseSql, change, tx, cancellationToken: ct));
            if (snapshot.Purpose == SnapshotRequester.Launch)
            {
                await tx.Connection!.ExecuteAsync(new CommandDefinition(FailLaunchSql, change, tx, cancellationToken: ct));
            }
        });
}

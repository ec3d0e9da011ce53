using Dapper;
using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;
using Platform.Data.Jobs;

namespace Campaigns.Features.Snapshots;

/// <summary>
/// The header of a snapshot asked for here: its moment and size. Its member batches may have come before it; if they
/// are all in, the snapshot completes now. Snapshots not requested here (another service's) are ignored.
/// </summary>
public sealed class SegmentSnapshotCreatedConsumer(Inbox inbox, JobStore jobs, TimeProvider time) : IConsumer<SegmentSnapshotCreated>
{
    private const string HeaderSql = """
        UPDATE snapshots SET as_of = @AsOf, member_count = @MemberCount, batch_count = @BatchCount
        WHERE snapshot_id = @SnapshotId AND status = 'requested'
        """;

    public Task Consume(ConsumeContext<SegmentSnapshotCreated> context) =>
        inbox.ProcessOnceAsync(context, nameof(SegmentSnapshotCreatedConsumer), async (tx, ct) =>
        {
            var message = context.Message;
            if (await SnapshotReceipt.LockAsync(tx, message.SnapshotId, ct) is not { Status: "requested" } snapshot)
            {
                return;
            }

            await tx.Connection!.ExecuteAsync(new CommandDefinition(HeaderSql,
                new { message.SnapshotId, AsOf = message.AsOf.ToUniversalTime(), message.MemberCount, message.BatchCount }, tx, cancellationToken: ct));
            await SnapshotReceipt.TryCompleteAsync(tx, snapshot, jobs, time.GetUtcNow(), ct);
        });
}

using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Segmentation.Features.Segments;

/// <summary>
/// Takes the snapshot a <see cref="CreateSegmentSnapshot"/> command asks for (Campaigns' launches and previews), with
/// the requested id: the snapshot and its events, or a <see cref="SegmentSnapshotRefused"/>, commit with the inbox row.
/// A redelivered command is skipped by the inbox; a repeated command (a new message with the same snapshot id) finds
/// the snapshot taken and publishes nothing new.
/// </summary>
public sealed class CreateSegmentSnapshotConsumer(Inbox inbox, SnapshotWriter writer, Outbox outbox) : IConsumer<CreateSegmentSnapshot>
{
    public async Task Consume(ConsumeContext<CreateSegmentSnapshot> context)
    {
        var command = context.Message;
        SnapshotOutcome? outcome = null;
        await inbox.ProcessOnceAsync(context, nameof(CreateSegmentSnapshotConsumer), async (tx, ct) =>
        {
            outcome = await writer.CreateAsync(tx, command.SnapshotId, command.SegmentId, command.Purpose, ct);
            if (outcome.Refusal is { } reason)
            {
                await outbox.AddAsync(tx, new SegmentSnapshotRefused { SnapshotId = command.SnapshotId, SegmentId = command.SegmentId, Reason = reason }, ct);
            }
        });
        if (outcome is { Created: true, Snapshot: { } snapshot })
        {
            SegmentationTelemetry.SnapshotMembers.Add(snapshot.MemberCount);
        }
    }
}

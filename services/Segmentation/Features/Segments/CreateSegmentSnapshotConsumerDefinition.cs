using MassTransit;

namespace Segmentation.Features.Segments;

/// <summary>One snapshot at a time per replica: each is one large transaction, and several at once would only compete for the same disk.</summary>
public sealed class CreateSegmentSnapshotConsumerDefinition : ConsumerDefinition<CreateSegmentSnapshotConsumer>
{
    public CreateSegmentSnapshotConsumerDefinition() => ConcurrentMessageLimit = 1;
}

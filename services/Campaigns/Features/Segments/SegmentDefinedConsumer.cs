using Dapper;
using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Campaigns.Features.Segments;

/// <summary>
/// Keeps the catalog of Segmentation's segments (<c>segments</c>) that designs are checked against: the highest
/// <see cref="SegmentDefined.Version"/> wins whatever order events arrive in, and a deleted segment stays as a
/// tombstone (so an older "created" arriving late cannot bring it back).
/// </summary>
public sealed class SegmentDefinedConsumer(Inbox inbox) : IConsumer<SegmentDefined>
{
    private const string UpsertSql = """
        INSERT INTO segments AS s (segment_id, name, deleted, version) VALUES (@SegmentId, @Name, @Deleted, @Version)
        ON CONFLICT (segment_id) DO UPDATE SET name = excluded.name, deleted = excluded.deleted, version = excluded.version
        WHERE s.version < excluded.version
        """;

    public async Task Consume(ConsumeContext<SegmentDefined> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        await inbox.ProcessOnceAsync(context, nameof(SegmentDefinedConsumer), (tx, ct) =>
            tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new { m.SegmentId, m.Name, m.Deleted, m.Version }, tx, cancellationToken: ct)));
    }
}

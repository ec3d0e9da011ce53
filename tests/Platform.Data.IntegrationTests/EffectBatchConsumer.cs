using Dapper;
using MassTransit;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// Adds one to each named effect per new message of a batch, through the inbox's batch form; a message named
/// <see cref="Poison"/> makes the effect fail (a message at fault).
/// </summary>
public sealed class EffectBatchConsumer(Inbox inbox) : IConsumer<Batch<EffectRequested>>
{
    private const string AddSql = """
        INSERT INTO effects (name, count)
        SELECT name, count(*) FROM unnest(@Names) AS name GROUP BY name
        ON CONFLICT (name) DO UPDATE SET count = effects.count + excluded.count
        """;

    public const string Poison = "poison";

    public Task Consume(ConsumeContext<Batch<EffectRequested>> context) =>
        inbox.ProcessBatchOnceAsync(context, nameof(EffectBatchConsumer), async (tx, messages, ct) =>
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(AddSql, new { Names = messages.Select(m => m.Name).ToArray() }, tx, cancellationToken: ct));
            if (messages.Any(m => m.Name == Poison))
            {
                throw new InvalidOperationException("a message at fault"); // after the write: the transaction must roll it back
            }
        });
}

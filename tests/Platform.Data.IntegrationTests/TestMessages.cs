using System.Collections.Concurrent;
using Dapper;
using MassTransit;

namespace Platform.Data.IntegrationTests;

/// <summary>A message used only by these tests.</summary>
public sealed record EffectRequested
{
    public required string Name { get; init; }
}

/// <summary>Every delivery it saw (message id), whatever the inbox decided.</summary>
public sealed class Deliveries
{
    public ConcurrentQueue<(Guid MessageId, string Name, string? TraceId)> Seen { get; } = new();
}

/// <summary>While closed, messages named "poison..." fail in the consumer (a bug that a later fix removes).</summary>
public sealed class PoisonSwitch
{
    private volatile bool _fixed;

    public bool Fixed { get => _fixed; set => _fixed = value; }
}

/// <summary>Adds one to <c>effects.count</c> through the inbox: a redelivery must not add again.</summary>
public sealed class EffectRequestedConsumer(Inbox inbox, Deliveries deliveries, PoisonSwitch poison) : IConsumer<EffectRequested>
{
    public async Task Consume(ConsumeContext<EffectRequested> context)
    {
        if (context.Message.Name.StartsWith("poison", StringComparison.Ordinal) && !poison.Fixed)
        {
            throw new InvalidOperationException("cannot handle " + context.Message.Name);
        }

        await inbox.ProcessOnceAsync(context, nameof(EffectRequestedConsumer), (tx, ct) =>
            tx.Connection!.ExecuteAsync(new CommandDefinition(
                "INSERT INTO effects (name, count) VALUES (@Name, 1) ON CONFLICT (name) DO UPDATE SET count = effects.count + 1",
                new { context.Message.Name }, tx, cancellationToken: ct)));
        deliveries.Seen.Enqueue((context.MessageId!.Value, context.Message.Name, System.Diagnostics.Activity.Current?.TraceId.ToString()));
    }
}

using System.Runtime.ExceptionServices;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// Runs a consumer's effect at most once per message: the message id is recorded in <c>inbox_messages</c> in the
/// same transaction as the effect. A redelivered message finds its id there and changes nothing; a concurrent
/// duplicate waits on the row lock and then finds it too. If the effect fails, nothing is recorded and the
/// message is retried.
/// </summary>
public sealed partial class Inbox(NpgsqlDataSource dataSource, TimeProvider time, ILogger<Inbox> logger)
{
    private const string RecordSql = """
        INSERT INTO inbox_messages (message_id, consumer, received_at)
        SELECT id, @Consumer, @Now FROM unnest(@MessageIds) AS id
        ON CONFLICT DO NOTHING
        RETURNING message_id
        """;

    /// <summary>
    /// Opens a transaction, records the message for <paramref name="consumer"/>, runs <paramref name="effect"/> in that
    /// transaction and commits. Returns false (and runs nothing) when the message was handled before.
    /// </summary>
    public async Task<bool> ProcessOnceAsync(ConsumeContext context, string consumer, Func<NpgsqlTransaction, CancellationToken, Task> effect)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(effect);
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"A message for {consumer} has no MessageId; the inbox cannot de-duplicate it.");
        return await RunOnceAsync<ConsumeContext>([(messageId, context)], consumer, (tx, _, ct) => effect(tx, ct), context.CancellationToken) == 1;
    }

    /// <summary>
    /// The batch form of <see cref="ProcessOnceAsync"/> (a consumer of <see cref="Batch{T}"/>): one transaction records
    /// every message id of the batch for <paramref name="consumer"/>, runs <paramref name="effect"/> with the messages not
    /// handled before (in batch order; an id twice in one batch counts once) and commits. Nothing runs when every message
    /// was handled before. Returns how many messages the effect got.
    /// </summary>
    /// <remarks>
    /// A message at fault must not hold back the healthy ones it was batched with: when the batch fails for a reason that
    /// is not an outage (<see cref="TransientFailures"/>), each message is run again alone, in its own transaction. The
    /// healthy ones commit; the first failure is rethrown, so the batch is retried and, when the retries run out, goes to
    /// the error queue — where the healthy messages, recorded in the inbox by then, change nothing if replayed.
    /// </remarks>
    public async Task<int> ProcessBatchOnceAsync<T>(ConsumeContext<Batch<T>> context, string consumer, Func<NpgsqlTransaction, IReadOnlyList<T>, CancellationToken, Task> effect)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(effect);
        var messages = context.Message.Select(m => (Id: m.MessageId
            ?? throw new InvalidOperationException($"A message for {consumer} has no MessageId; the inbox cannot de-duplicate it."), m.Message)).ToList();
        var ct = context.CancellationToken;
        try
        {
            return await RunOnceAsync(messages, consumer, effect, ct);
        }
        catch (Exception e) when (messages.Count > 1 && !TransientFailures.IsTransient(e) && !ct.IsCancellationRequested)
        {
            LogBatchSplit(logger, e, consumer, messages.Count);
        }

        Exception? failure = null;
        var applied = 0;
        foreach (var message in messages)
        {
            try
            {
                applied += await RunOnceAsync([message], consumer, effect, ct);
            }
            catch (Exception e) when (!TransientFailures.IsTransient(e) && !ct.IsCancellationRequested)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return applied;
    }

    private async Task<int> RunOnceAsync<T>(List<(Guid Id, T Message)> messages, string consumer, Func<NpgsqlTransaction, IReadOnlyList<T>, CancellationToken, Task> effect, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Ids in order, so two batches recording overlapping ids (a redelivery to another replica) lock them in the same order.
        var ids = messages.Select(m => m.Id).Distinct().Order().ToArray();
        var recorded = (await connection.QueryAsync<Guid>(new CommandDefinition(
            RecordSql, new { MessageIds = ids, Consumer = consumer, Now = time.GetUtcNow() }, tx, cancellationToken: ct))).ToHashSet();
        var fresh = new List<T>(messages.Count);
        foreach (var (id, message) in messages)
        {
            if (recorded.Remove(id))
            {
                fresh.Add(message); // the first delivery of a new id
            }
            else
            {
                PlatformTelemetry.InboxDuplicates.Add(1);
                LogDuplicate(logger, id, consumer);
            }
        }

        if (fresh.Count == 0)
        {
            return 0;
        }

        await effect(tx, fresh, ct);
        await tx.CommitAsync(ct);
        return fresh.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} messages failed in {Consumer}; each is run alone, so only a message at fault fails")]
    private static partial void LogBatchSplit(ILogger logger, Exception error, string consumer, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} already handled by {Consumer}; skipped")]
    private static partial void LogDuplicate(ILogger logger, Guid messageId, string consumer);
}

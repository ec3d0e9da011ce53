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
        VALUES (@MessageId, @Consumer, @Now)
        ON CONFLICT DO NOTHING
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
        var ct = context.CancellationToken;

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await TryRecordAsync(tx, messageId, consumer, ct))
        {
            PlatformTelemetry.InboxDuplicates.Add(1);
            LogDuplicate(logger, messageId, consumer);
            return false;
        }

        await effect(tx, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Records the message id inside <paramref name="transaction"/>; false if it was already there.</summary>
    public async Task<bool> TryRecordAsync(NpgsqlTransaction transaction, Guid messageId, string consumer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var inserted = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            RecordSql, new { MessageId = messageId, Consumer = consumer, Now = time.GetUtcNow() }, transaction, cancellationToken: ct));
        return inserted == 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} already handled by {Consumer}; skipped")]
    private static partial void LogDuplicate(ILogger logger, Guid messageId, string consumer);
}

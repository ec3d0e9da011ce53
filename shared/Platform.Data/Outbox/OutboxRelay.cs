using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Platform.Data;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ and marks them sent. Several replicas may run: each locks its batch
/// with <c>FOR UPDATE SKIP LOCKED</c>. A row is marked sent only after the broker confirmed it (publisher confirms);
/// a crash between confirm and commit republishes the same MessageId, which consumers' inboxes drop.
/// Woken by <see cref="OutboxSignal"/> when this process writes rows; polls for rows of other replicas.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    OutboxSignal signal,
    IBus bus,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const string LockBatchSql = """
        SELECT sequence, message_id AS MessageId, message_type AS MessageType, body::text AS Body,
               trace_parent AS TraceParent, trace_state AS TraceState
        FROM outbox_messages
        WHERE sent_at IS NULL AND parked_at IS NULL
        ORDER BY sequence
        LIMIT @BatchSize
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkSentSql = "UPDATE outbox_messages SET sent_at = @Now, attempts = attempts + 1 WHERE sequence = ANY(@Sequences)";

    private const string MarkFailedSql = "UPDATE outbox_messages SET attempts = attempts + 1, last_error = @Error WHERE sequence = ANY(@Sequences)";

    private const string ParkSql = "UPDATE outbox_messages SET parked_at = @Now, last_error = @Error WHERE sequence = @Sequence";

    private const string CleanupSql = """
        DELETE FROM outbox_messages WHERE sent_at < @SentBefore;
        DELETE FROM inbox_messages WHERE received_at < @ReceivedBefore;
        """;

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(30);

    // The signal comes before the writer's commit: after one, look again at short intervals for this long.
    private static readonly TimeSpan CommitWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CommitRetry = TimeSpan.FromMilliseconds(10);

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(10),
            UseJitter = true,
            OnRetry = args =>
            {
                LogRetry(logger, args.Outcome.Exception, args.AttemptNumber, args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = time.GetUtcNow();
        var lookUntil = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var published = await _retry.ExecuteAsync(PublishBatchAsync, stoppingToken);
                if (published >= options.Value.BatchSize)
                {
                    continue; // more may be waiting
                }

                if (time.GetUtcNow() >= nextCleanup)
                {
                    await _retry.ExecuteAsync(CleanupAsync, stoppingToken);
                    nextCleanup = time.GetUtcNow() + CleanupInterval;
                }

                // Rows signalled but not found are usually not committed yet: look again soon, for a while.
                var wait = published == 0 && time.GetUtcNow() < lookUntil ? CommitRetry : options.Value.PollInterval;
                if (await signal.WaitAsync(wait, stoppingToken))
                {
                    lookUntil = time.GetUtcNow() + CommitWindow;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes one batch; returns how many rows it handled.</summary>
    internal async ValueTask<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(LockBatchSql, new { options.Value.BatchSize }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        var outcomes = await Task.WhenAll(rows.Select(row => PublishOneAsync(row, ct)));

        var now = time.GetUtcNow();
        var sent = rows.Where((_, i) => outcomes[i] is null).Select(r => r.Sequence).ToArray();
        var failed = rows.Where((_, i) => outcomes[i] is { Permanent: false }).Select(r => r.Sequence).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { Now = now, Sequences = sent }, tx, cancellationToken: ct));
        Exception? firstFailure = null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (outcomes[i] is { Permanent: true } parked)
            {
                await connection.ExecuteAsync(new CommandDefinition(ParkSql, new { Now = now, rows[i].Sequence, Error = parked.Error.Message }, tx, cancellationToken: ct));
                LogParked(logger, parked.Error, rows[i].MessageId, rows[i].MessageType);
            }
            else if (outcomes[i] is { } failure)
            {
                firstFailure ??= failure.Error;
            }
        }

        if (failed.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { Sequences = failed, Error = firstFailure!.Message }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        PlatformTelemetry.OutboxPublished.Add(sent.Length);
        if (firstFailure is not null)
        {
            PlatformTelemetry.OutboxFailed.Add(failed.Length);
            throw new OutboxPublishException($"{failed.Length} of {rows.Count} outbox messages were not confirmed by the broker", firstFailure);
        }

        return rows.Count;
    }

    private async Task<PublishFailure?> PublishOneAsync(OutboxRow row, CancellationToken ct)
    {
        var type = OutboxMessageTypes.Resolve(row.MessageType);
        object? message;
        try
        {
            message = type is null ? null : JsonSerializer.Deserialize(row.Body, type, Outbox.Json);
        }
        catch (JsonException e)
        {
            return new PublishFailure(e, Permanent: true);
        }

        if (message is null)
        {
            return new PublishFailure(new InvalidOperationException($"Message type '{row.MessageType}' cannot be resolved or its body is empty"), Permanent: true);
        }

        // Continue the trace of the request that wrote the row; MassTransit's publish activity becomes its child
        // and carries the context on to the consumers.
        ActivityContext.TryParse(row.TraceParent, row.TraceState, isRemote: true, out var parent);
        using var activity = PlatformTelemetry.Source.StartActivity($"outbox publish {type!.Name}", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", row.MessageId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), timeout.Token);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return new PublishFailure(e, Permanent: false);
        }
    }

    private async ValueTask CleanupAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(CleanupSql, new
        {
            SentBefore = now - options.Value.SentRetention,
            ReceivedBefore = now - options.Value.InboxRetention,
        }, cancellationToken: ct));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay round failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception? error, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} of type {MessageType} can never be published and was parked")]
    private static partial void LogParked(ILogger logger, Exception error, Guid messageId, string messageType);

    private sealed record OutboxRow(long Sequence, Guid MessageId, string MessageType, string Body, string? TraceParent, string? TraceState);

    private sealed record PublishFailure(Exception Error, bool Permanent);
}

/// <summary>Some outbox messages were not confirmed by the broker; they stay pending and are retried.</summary>
public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);

using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

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
    OutboxBacklog backlog,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    // Rows waiting for a later attempt (next_attempt_at) are skipped, so one message the broker refuses does not hold
    // back the others.
    private const string LockBatchSql = """
        SELECT sequence, message_id AS MessageId, message_type AS MessageType, body::text AS Body,
               trace_parent AS TraceParent, trace_state AS TraceState, attempts
        FROM outbox_messages
        WHERE sent_at IS NULL AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @Now)
        ORDER BY sequence
        LIMIT @BatchSize
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkSentSql = "UPDATE outbox_messages SET sent_at = @Now, attempts = attempts + 1 WHERE sequence = ANY(@Sequences)";

    private const string MarkFailedSql = """
        UPDATE outbox_messages o
        SET attempts = o.attempts + f.counted, last_error = f.error, next_attempt_at = f.next_attempt_at,
            parked_at = CASE WHEN f.park THEN @Now END
        FROM unnest(@Sequences, @Errors, @NextAttempts, @Parks, @Counted) AS f(sequence, error, next_attempt_at, park, counted)
        WHERE o.sequence = f.sequence
        """;

    private const string BacklogSql = """
        SELECT count(*) AS Unsent, min(created_at) AS Oldest FROM outbox_messages WHERE sent_at IS NULL AND parked_at IS NULL
        """;

    private const string CleanupSql = """
        DELETE FROM outbox_messages WHERE sent_at < @SentBefore;
        DELETE FROM inbox_messages WHERE received_at < @ReceivedBefore;
        """;

    private const int MaxErrorLength = 2000;

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(30);


    private long _emptyRounds;
    private bool _brokerWasReachable;

    /// <summary>Rounds that found nothing to publish since start (a sign of life for diagnostics and tests).</summary>
    public long EmptyRounds => Interlocked.Read(ref _emptyRounds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = time.GetUtcNow();
        var nextBacklog = time.GetUtcNow();
        var failures = 0;
        var backoff = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int published;
                try
                {
                    published = await PublishBatchAsync(stoppingToken);
                    failures = 0;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Database or broker out: back off (the other duties below still run, so the backlog gauges show
                    // the outage) and try again.
                    failures++;
                    published = -1;
                    backoff = RoundBackoff(failures);
                    LogRetry(logger, e, failures, backoff);
                }

                if (published >= options.Value.BatchSize)
                {
                    continue; // more may be waiting
                }

                if (time.GetUtcNow() >= nextBacklog && await TryAsync(RefreshBacklogAsync, stoppingToken))
                {
                    nextBacklog = time.GetUtcNow() + options.Value.BacklogInterval;
                }

                if (time.GetUtcNow() >= nextCleanup && await TryAsync(CleanupAsync, stoppingToken))
                {
                    nextCleanup = time.GetUtcNow() + CleanupInterval;
                }

                if (published < 0)
                {
                    await Task.Delay(backoff, time, stoppingToken);
                    continue;
                }

                await signal.WaitForNextRoundAsync(foundWork: published > 0, options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // 250 ms, doubling up to 10 s, with jitter so replicas do not retry in step.
    private static TimeSpan RoundBackoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, Math.Min(failures - 1, 10)), 10_000) * (0.75 + (Random.Shared.NextDouble() / 2)));

    private async Task<bool> TryAsync(Func<CancellationToken, ValueTask> duty, CancellationToken ct)
    {
        try
        {
            await duty(ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogDutyFailed(logger, e);
            return false;
        }
    }

    /// <summary>
    /// Publishes one batch; returns how many rows it handled. A failed publish counts as an attempt of that row only
    /// when the broker took publishes meanwhile: another row of the round was confirmed, or an <see cref="OutboxProbe"/>.
    /// Such a row waits for its own next attempt (exponential backoff) and is parked after
    /// <see cref="OutboxOptions.MaxAttempts"/>. Failures during an outage count nothing and make the whole relay back off
    /// (throws <see cref="OutboxPublishException"/> after the round is recorded).
    /// </summary>
    internal async ValueTask<int> PublishBatchAsync(CancellationToken ct)
    {
        // Polls run outside any trace (no Activity), so the database commands of a round that finds nothing are not
        // traced (see DatabaseExtensions); a round with rows gets its own activity.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(LockBatchSql, new { options.Value.BatchSize, Now = time.GetUtcNow() }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            await tx.CommitAsync(ct);
            Interlocked.Increment(ref _emptyRounds);
            return 0;
        }

        using var round = PlatformTelemetry.Source.StartActivity("outbox relay round");
        round?.SetTag("platform.outbox.rows", rows.Count);
        // Rows that failed before are published one at a time after the others: a refusal can break the channel the
        // publishes share (MassTransit retries a refused declaration until the publish times out), and it must not
        // take healthy rows down with it again.
        var outcomes = new PublishFailure?[rows.Count];
        var fresh = Enumerable.Range(0, rows.Count).Where(i => rows[i].Attempts == 0).ToList();
        var freshOutcomes = await Task.WhenAll(fresh.Select(i => PublishOneAsync(rows[i], ct)));
        for (var k = 0; k < fresh.Count; k++)
        {
            outcomes[fresh[k]] = freshOutcomes[k];
        }

        // The first of them that fails again ends the round for the rest (they stay as they are, for the next round): while
        // a queue is down every publish waits out its timeout, and one round must not take rows x timeout with its
        // transaction open and the rows behind it waiting.
        var untried = new bool[rows.Count];
        var stopped = false;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Attempts > 0)
            {
                if (stopped)
                {
                    untried[i] = true;
                    continue;
                }

                outcomes[i] = await PublishOneAsync(rows[i], ct);
                stopped = outcomes[i] is { Permanent: false };
            }
        }

        var now = time.GetUtcNow();
        var sent = rows.Where((_, i) => outcomes[i] is null && !untried[i]).Select(r => r.Sequence).ToArray();
        // Attempts are counted against rows only while the broker takes publishes: another row was confirmed, or, when
        // none was, a probe is (see OutboxProbe), and it already did at the end of the previous round: publishes that
        // failed while the connection was coming back are not the messages' fault. An outage counts nothing.
        var brokerReachable = sent.Length > 0
            || (outcomes.Any(o => o is { Permanent: false }) && await ProbeAsync(ct));
        var countFailures = brokerReachable && (sent.Length > 0 || _brokerWasReachable);
        _brokerWasReachable = brokerReachable;
        await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { Now = now, Sequences = sent }, tx, cancellationToken: ct));

        var failed = new List<(OutboxRow Row, PublishFailure Failure, bool Counted, bool Park)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (outcomes[i] is not { } failure)
            {
                continue;
            }

            var counted = failure.Permanent || countFailures;
            var park = failure.Permanent || (counted && rows[i].Attempts + 1 >= options.Value.MaxAttempts);
            failed.Add((rows[i], failure, counted, park));
        }

        if (failed.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new
            {
                Now = now,
                Sequences = failed.Select(f => f.Row.Sequence).ToArray(),
                Errors = failed.Select(f => Truncate(f.Failure.Error.Message)).ToArray(),
                NextAttempts = failed.Select(f => f.Counted ? now + Backoff(f.Row.Attempts + 1) : now).ToArray(),
                Parks = failed.Select(f => f.Park).ToArray(),
                Counted = failed.Select(f => f.Counted ? 1 : 0).ToArray(),
            }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        PlatformTelemetry.OutboxPublished.Add(sent.Length);
        foreach (var (row, failure, _, park) in failed.Where(f => f.Park))
        {
            LogParked(logger, failure.Error, row.MessageId, row.MessageType, row.Attempts + 1);
        }

        var parked = failed.Count(f => f.Park);
        if (parked > 0)
        {
            PlatformTelemetry.OutboxParked.Add(parked);
        }

        if (failed.Count > parked)
        {
            PlatformTelemetry.OutboxFailed.Add(failed.Count - parked);
        }

        if (failed.FirstOrDefault(f => !f.Counted) is { Failure: { } outage })
        {
            throw new OutboxPublishException($"{failed.Count(f => !f.Counted)} of {rows.Count} outbox messages were not confirmed by the broker", outage.Error);
        }

        foreach (var (row, failure, _, _) in failed.Where(f => !f.Park))
        {
            LogRefused(logger, failure.Error, row.MessageId, row.MessageType, row.Attempts + 1, options.Value.MaxAttempts);
        }

        return rows.Count;
    }

    private async Task<bool> ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            await bus.Publish(new OutboxProbe(), timeout.Token).WaitAsync(timeout.Token);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = options.Value.RetryBackoff.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, options.Value.MaxRetryBackoff.TotalMilliseconds));
    }

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];

    private async ValueTask RefreshBacklogAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var state = await connection.QuerySingleAsync<BacklogState>(new CommandDefinition(BacklogSql, cancellationToken: ct));
        backlog.Update(state.Unsent, state.Oldest is { } oldest ? time.GetUtcNow() - oldest : TimeSpan.Zero);
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
            // WaitAsync: MassTransit does not always honour the token (e.g. a publish waiting on a channel the broker
            // closed after a refusal), and one stuck publish must not stall the relay. A publish that still completes
            // later only duplicates a message the consumers' inboxes drop.
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), timeout.Token).WaitAsync(timeout.Token);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay could not refresh its backlog gauges or clean up; trying again later")]
    private static partial void LogDutyFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} of type {MessageType} was parked after {Attempts} attempt(s); see GET /admin/outbox/parked")]
    private static partial void LogParked(ILogger logger, Exception error, Guid messageId, string messageType, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} of type {MessageType} was refused by the broker (attempt {Attempt} of {MaxAttempts}); it is tried again later")]
    private static partial void LogRefused(ILogger logger, Exception error, Guid messageId, string messageType, int attempt, int maxAttempts);

    private sealed record OutboxRow(long Sequence, Guid MessageId, string MessageType, string Body, string? TraceParent, string? TraceState, int Attempts);

    private sealed record BacklogState(long Unsent, DateTimeOffset? Oldest);

    private sealed record PublishFailure(Exception Error, bool Permanent);
}

/// <summary>Some outbox messages were not confirmed by the broker; they stay pending and are retried.</summary>
public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);

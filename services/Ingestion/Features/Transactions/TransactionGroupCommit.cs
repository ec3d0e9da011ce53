using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Platform.Data;
using Platform.Data.Staging;

namespace Ingestion.Features.Transactions;

/// <summary>
/// Group commit for single-transaction requests: concurrent requests wait here while a writer is busy and are then
/// written together, in one database transaction with one outbox event, by the same <see cref="TransactionWriter"/>
/// the batch API uses. Each request still gets its own outcome (new, duplicate, unknown customer, conflict): the writer
/// decides per row and a refused row is simply not written. A request is answered only after its group committed, so
/// a 201 still means stored and its event queued; one WAL flush then serves many requests instead of one.
/// </summary>
public sealed partial class TransactionGroupCommit(
    NpgsqlDataSource dataSource, TransactionWriter writer, ILogger<TransactionGroupCommit> logger) : BackgroundService
{
    /// <summary>Most requests written in one group.</summary>
    public const int MaxGroupSize = 256;

    // One writer: while its group commits, the next one fills in the queue. A second writer (tried: two) wrote groups
    // side by side, but on the 2-core benchmark machine that only split the waiting requests into smaller groups
    // (~10 orders instead of ~15 at 32 connections), i.e. more statements, commits and TransactionsRecorded events per
    // order for Ingestion, the relay and every consumer: 1,800–2,400 req/s with two, 2,800–3,000 with one
    // (docs/ingestion-performance.md).
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000)
    {
        SingleWriter = false,
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Writes <paramref name="row"/> with the next group and returns its outcome once the group committed.</summary>
    public async Task<(RowOutcome Outcome, DateTimeOffset RecordedAt)> WriteAsync(NormalizedTransaction row, bool createCustomers, CancellationToken ct)
    {
        var pending = new Pending(row, createCustomers, Activity.Current?.Context, new TaskCompletionSource<(RowOutcome, DateTimeOffset)>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        return await pending.Result.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunWriterAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task RunWriterAsync(CancellationToken stoppingToken)
    {
        var group = new List<Pending>(MaxGroupSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var pending))
                {
                    group.Add(pending);
                }

                if (group.Count > 0)
                {
                    await WriteGroupAsync(group, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: requests still queued are cancelled with their own request
        }
    }

    private async Task WriteGroupAsync(List<Pending> group, CancellationToken stoppingToken)
    {
        // The group's trace links every request it served; the outbox row carries the group's context onwards.
        using var activity = PlatformTelemetry.Source.StartActivity(
            "transactions group commit", ActivityKind.Internal, parentContext: default,
            links: group.Where(p => p.Context is not null).Select(p => new ActivityLink(p.Context!.Value)));
        activity?.SetTag("platform.group_size", group.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await WriteOnceAsync(group, stoppingToken);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Result.TrySetResult(results[i]);
                }

                return;
            }
            catch (PostgresException e) when (e.IsTransient && attempt < 3)
            {
                // e.g. a deadlock with the other writer over new customers: the whole group is rolled back, try again
                LogRetry(logger, e, group.Count, attempt);
            }
            catch (Exception e)
            {
                // Every request of the group gets the error (a 500 for its client; nothing of the group was written);
                // the writer itself goes on with the next group.
                LogGroupFailed(logger, e, group.Count);
                foreach (var pending in group)
                {
                    pending.Result.TrySetException(e);
                }

                return;
            }
        }
    }

    private async Task<(RowOutcome, DateTimeOffset)[]> WriteOnceAsync(List<Pending> group, CancellationToken ct)
    {
        var results = new (RowOutcome, DateTimeOffset)[group.Count];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // Requests that may create customers and those that may not are two writes of the same transaction.
        foreach (var create in new[] { false, true })
        {
            var indexes = Enumerable.Range(0, group.Count).Where(i => group[i].CreateCustomers == create).ToList();
            if (indexes.Count == 0)
            {
                continue;
            }

            var result = await writer.WriteAsync(tx, indexes.Select(i => group[i].Row).ToList(), create, ct);
            for (var k = 0; k < indexes.Count; k++)
            {
                results[indexes[k]] = (result.Outcomes[k], result.RecordedAt);
            }
        }

        await tx.CommitAsync(ct);
        return results;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A group of {Count} single transactions hit a transient error (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group of {Count} single transactions failed to commit; each request gets the error")]
    private static partial void LogGroupFailed(ILogger logger, Exception e, int count);

    private sealed record Pending(NormalizedTransaction Row, bool CreateCustomers, ActivityContext? Context, TaskCompletionSource<(RowOutcome, DateTimeOffset)> Result);
}

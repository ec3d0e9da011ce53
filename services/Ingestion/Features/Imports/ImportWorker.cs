using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ingestion.Features.Imports;

/// <summary>
/// Runs queued imports one at a time, woken at once by an upload and polling for the rest (imports left queued or
/// running by a restart, or spooled by another replica on a shared folder). Each run holds the import's lease (a
/// session advisory lock), so replicas never run one import twice and a crashed run is resumed by whoever comes next,
/// after its last committed chunk. An import whose spooled file is gone fails with a clear error, but only on the
/// instance that received it: another replica without the file leaves it alone.
/// </summary>
public sealed partial class ImportWorker(
    ImportStore store,
    ImportProcessor processor,
    ImportKinds kinds,
    NpgsqlDataSource db,
    IOptions<ImportOptions> options,
    ILogger<ImportWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Makes the worker look for queued imports now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextAsync(stoppingToken))
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, e);
            }

            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(options.Value.PollInterval);
            try
            {
                await _wake.Reader.ReadAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // poll interval elapsed
            }
        }
    }

    /// <summary>Runs the oldest import this worker can lease; false when there was none to run.</summary>
    private async Task<bool> RunNextAsync(CancellationToken ct)
    {
        foreach (var pending in await store.PendingAsync(ct))
        {
            await using var lease = await db.OpenConnectionAsync(ct);
            if (!await ImportStore.TryLeaseAsync(lease, pending.ImportId, ct))
            {
                continue; // another worker runs it
            }

            try
            {
                if (pending.SpoolPath is null || !File.Exists(pending.SpoolPath))
                {
                    if (pending.SpoolHost != Environment.MachineName)
                    {
                        continue; // spooled by another instance, which has the file
                    }

                    await store.FailAsync(pending.ImportId, "the uploaded file is no longer in the spool folder (was the folder cleared, or the service moved?): upload the file again", ct);
                    LogSpoolFileMissing(logger, pending.ImportId, pending.SpoolPath);
                    return true;
                }

                if (await store.StartAsync(pending.ImportId, ct) is not { } committed)
                {
                    continue; // finished meanwhile
                }

                var settings = JsonSerializer.Deserialize<ImportSettings>(pending.Options, ImportStore.Json)!;
                return await RunAsync(new ImportJob(pending.ImportId, pending.Kind, settings, pending.SpoolPath, pending.ChunkRows, committed), ct);
            }
            finally
            {
                await ImportStore.ReleaseAsync(lease, pending.ImportId);
            }
        }

        return false;
    }

    /// <summary>Runs one import to its end; false when it stopped on a transient error and should be retried later.</summary>
    private async Task<bool> RunAsync(ImportJob job, CancellationToken ct)
    {
        LogStarting(logger, job.ImportId, job.Kind, job.CommittedChunks.Count);
        try
        {
            await kinds[job.Kind].RunAsync(processor, job, ct);
            await store.CompleteAsync(job.ImportId, ct);
            LogCompleted(logger, job.ImportId);
        }
        catch (ImportFileException e)
        {
            await store.FailAsync(job.ImportId, e.Message, ct);
            LogFailed(logger, e, job.ImportId);
        }
        catch (NpgsqlException e) when (e.IsTransient && !ct.IsCancellationRequested)
        {
            // Left running: the next round resumes after the last committed chunk.
            LogInterrupted(logger, e, job.ImportId);
            return false;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await store.FailAsync(job.ImportId, "the import stopped on an unexpected error: " + e.Message, ct);
            LogFailed(logger, e, job.ImportId);
        }

        TryDelete(job.SpoolPath);
        return true;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            LogDeleteFailed(logger, e, path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} ({Kind}) starting ({ChunksDone} chunks done before)")]
    private static partial void LogStarting(ILogger logger, Guid importId, string kind, int chunksDone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} completed")]
    private static partial void LogCompleted(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} interrupted by a transient database error; it resumes on the next round")]
    private static partial void LogInterrupted(ILogger logger, Exception error, Guid importId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId}: spooled file {Path} is missing; marked failed")]
    private static partial void LogSpoolFileMissing(ILogger logger, Guid importId, string? path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import worker round failed; retrying after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete spooled file {Path}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception error, string path);
}

/// <summary>The import kinds by name.</summary>
public sealed class ImportKinds(TransactionImport transactions, ResponseImport responses, CustomerImport customers)
{
    private readonly Dictionary<string, ImportKind> _byName = new ImportKind[] { transactions, responses, customers }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public IEnumerable<string> Names => _byName.Keys;

    public ImportKind this[string name] => _byName[name];

    public ImportKind? Find(string? name) => name is not null && _byName.TryGetValue(name.Trim().ToLowerInvariant(), out var kind) ? kind : null;
}

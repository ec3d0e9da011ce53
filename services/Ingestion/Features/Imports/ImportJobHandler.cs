using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Jobs;

namespace Ingestion.Features.Imports;

/// <summary>
/// Runs an import as a job of the platform's scheduler (one at a time per instance; the scheduler's lease keeps
/// replicas from running one import twice). A run that stopped part-way (crash, shutdown, transient database error) is
/// resumed by the next attempt after the last committed chunk. An import whose spooled file is gone fails with a clear
/// error, but only on the instance that received it: another replica without the file defers the job to the owner.
/// </summary>
public sealed partial class ImportJobHandler(
    ImportStore store,
    ImportProcessor processor,
    ImportKinds kinds,
    ILogger<ImportJobHandler> logger) : IJobHandler<RunImport>
{
    /// <summary>The job kind of imports.</summary>
    public static readonly JobKind<RunImport> Kind = new("ingestion.import");

    // How long a replica without the file leaves the import to the instance that has it.
    private static readonly TimeSpan ForeignFileDelay = TimeSpan.FromSeconds(30);

    /// <summary>How imports are run: one per instance at a time; transient failures are retried for about half an hour.</summary>
    public static void Configure(JobKindOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Concurrency = 1;
        options.MaxAttempts = 20;
        options.RetryDelay = TimeSpan.FromSeconds(5);
        options.MaxRetryDelay = TimeSpan.FromMinutes(5);
    }

    public async Task RunAsync(RunImport payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(job);
        if (await store.PendingAsync(payload.ImportId, ct) is not { } pending)
        {
            return; // finished already (an attempt that ended after its lease had passed)
        }

        if (pending.SpoolPath is null || !File.Exists(pending.SpoolPath))
        {
            if (pending.SpoolHost != Environment.MachineName)
            {
                throw new JobDeferredException($"the file is spooled on {pending.SpoolHost}", ForeignFileDelay);
            }

            await store.FailAsync(pending.ImportId, "the uploaded file is no longer in the spool folder (was the folder cleared, or the service moved?): upload the file again", ct);
            LogSpoolFileMissing(logger, pending.ImportId, pending.SpoolPath);
            return;
        }

        if (await store.StartAsync(pending.ImportId, ct) is not { } committed)
        {
            return; // finished meanwhile
        }

        var settings = JsonSerializer.Deserialize<ImportSettings>(pending.Options, ImportStore.Json)!;
        var import = new ImportJob(pending.ImportId, pending.Kind, settings, pending.SpoolPath, pending.ChunkRows, committed);
        LogStarting(logger, import.ImportId, import.Kind, committed.Count, job.Attempt);
        try
        {
            await kinds[import.Kind].RunAsync(processor, import, ct);
            await store.CompleteAsync(import.ImportId, ct);
            LogCompleted(logger, import.ImportId);
        }
        catch (ImportFileException e)
        {
            // The file's fault, not the job's: the import reports it and the job is done.
            await store.FailAsync(import.ImportId, e.Message, ct);
            LogFailed(logger, e, import.ImportId);
        }
        catch (NpgsqlException e) when (e.IsTransient && !ct.IsCancellationRequested)
        {
            // Left running: the next attempt resumes after the last committed chunk.
            if (job.IsLastAttempt)
            {
                await store.FailAsync(import.ImportId, $"the import stopped on database errors {job.Attempt} times; the last: {e.Message}", CancellationToken.None);
                TryDelete(import.SpoolPath);
            }

            LogInterrupted(logger, e, import.ImportId);
            throw;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await store.FailAsync(import.ImportId, "the import stopped on an unexpected error: " + e.Message, ct);
            LogFailed(logger, e, import.ImportId);
            TryDelete(import.SpoolPath);
            throw new JobFailedException("the import stopped on an unexpected error", e);
        }

        TryDelete(import.SpoolPath);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} ({Kind}) starting ({ChunksDone} chunks done before; attempt {Attempt})")]
    private static partial void LogStarting(ILogger logger, Guid importId, string kind, int chunksDone, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} completed")]
    private static partial void LogCompleted(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} interrupted by a transient database error; its job is retried")]
    private static partial void LogInterrupted(ILogger logger, Exception error, Guid importId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId}: spooled file {Path} is missing; marked failed")]
    private static partial void LogSpoolFileMissing(ILogger logger, Guid importId, string? path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete spooled file {Path}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception error, string path);
}

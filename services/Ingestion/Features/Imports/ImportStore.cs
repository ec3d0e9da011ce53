using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Data.Jobs;

namespace Ingestion.Features.Imports;

/// <summary>An import its job is about to run: its file is cut into chunks of <see cref="ChunkRows"/> rows; <see cref="CommittedChunks"/> are done already (a resumed run).</summary>
public sealed record ImportJob(Guid ImportId, string Kind, ImportSettings Settings, string SpoolPath, int ChunkRows, IReadOnlySet<int> CommittedChunks);

/// <summary>One rejected row's problem with one field (JSON field names are turned into column names before storing).</summary>
public readonly record struct RowError(long RowNumber, string Field, string Message);

/// <summary>The <c>imports</c> and <c>import_errors</c> tables.</summary>
public sealed class ImportStore(NpgsqlDataSource db, JobStore jobs, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO imports (import_id, kind, status, file_name, file_sha256, file_bytes, options, created_at, spool_path, spool_host, chunk_rows)
        VALUES (@ImportId, @Kind, 'queued', @FileName, @Sha256, @Bytes, @Options::jsonb, @Now, @SpoolPath, @SpoolHost, @ChunkRows)
        """;

    private const string PendingSql = """
        SELECT import_id AS ImportId, kind, options::text AS Options, spool_path AS SpoolPath, spool_host AS SpoolHost, chunk_rows AS ChunkRows
        FROM imports WHERE import_id = @ImportId AND status IN ('queued', 'running')
        """;

    private const string StartSql = """
        UPDATE imports SET status = 'running', started_at = coalesce(started_at, @Now)
        WHERE import_id = @ImportId AND status IN ('queued', 'running')
        RETURNING ARRAY(SELECT chunk FROM import_chunks c WHERE c.import_id = imports.import_id)
        """;

    // Counts are added, so chunks may commit in any order. Last in the chunk's transaction: the row lock on the import
    // is held only until that commit, so parallel chunks barely wait for each other.
    private const string ProgressSql = """
        INSERT INTO import_chunks (import_id, chunk) VALUES (@ImportId, @Chunk);
        UPDATE imports SET rows_read = rows_read + @RowsRead, rows_accepted = rows_accepted + @Accepted, rows_new = rows_new + @New,
            rows_rejected = rows_rejected + @Rejected
        WHERE import_id = @ImportId
        """;

    private const string FinishSql = """
        UPDATE imports SET status = @Status, error = @Error, completed_at = @Now
        WHERE import_id = @ImportId AND status IN ('queued', 'running')
        """;

    private const string CopyErrorsSql = "COPY import_errors (import_id, row_number, field, message) FROM STDIN (FORMAT BINARY)";

    private const string ReportSql = """
        SELECT import_id AS ImportId, kind, status, file_name AS FileName, file_sha256 AS FileSha256, file_bytes AS FileBytes,
               options::text AS Options, rows_read AS RowsRead, rows_accepted AS RowsAccepted, rows_new AS RowsNew,
               rows_rejected AS RowsRejected, error, created_at AS CreatedAt, started_at AS StartedAt, completed_at AS CompletedAt,
               (SELECT count(*) FROM import_errors e WHERE e.import_id = i.import_id) AS ErrorCount
        FROM imports i WHERE import_id = @ImportId
        """;

    private const string FirstErrorsSql = """
        SELECT row_number AS RowNumber, field, message FROM import_errors WHERE import_id = @ImportId
        ORDER BY row_number, field LIMIT @Limit
        """;

    /// <summary>Records a queued import and its job in one transaction: the job runs only if the import exists, and vice versa.</summary>
    public async Task InsertAsync(Guid importId, string kind, string? fileName, CsvSpooler.Result file, ImportSettings settings, string spoolPath, int chunkRows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            ImportId = importId,
            Kind = kind,
            FileName = fileName,
            file.Sha256,
            file.Bytes,
            Options = JsonSerializer.Serialize(settings, Json),
            Now = time.GetUtcNow(),
            SpoolPath = spoolPath,
            SpoolHost = Environment.MachineName,
            ChunkRows = chunkRows,
        }, tx, cancellationToken: ct));
        await jobs.EnqueueAsync(tx, ImportJobHandler.Kind, new RunImport(importId), ct: ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The import if it is not finished yet (queued, or running: interrupted), else null.</summary>
    public async Task<PendingImport?> PendingAsync(Guid importId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PendingImport>(new CommandDefinition(PendingSql, new { ImportId = importId }, cancellationToken: ct));
    }

    /// <summary>Marks the import running; returns its committed chunks (to skip), or null when it is finished meanwhile.</summary>
    public async Task<IReadOnlySet<int>?> StartAsync(Guid importId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var chunks = await connection.QuerySingleOrDefaultAsync<int[]>(new CommandDefinition(StartSql, new { ImportId = importId, Now = time.GetUtcNow() }, cancellationToken: ct));
        return chunks?.ToHashSet();
    }

    /// <summary>Records a chunk as done, with its counts and row errors, in <paramref name="tx"/>: the transaction of the chunk's rows.</summary>
    public static async Task RecordChunkAsync(NpgsqlTransaction tx, Guid importId, int chunk, long rowsRead, int accepted, int @new, int rejected, IReadOnlyList<RowError> errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(errors);
        var connection = tx.Connection!;
        if (errors.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(CopyErrorsSql, ct);
            foreach (var error in errors)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(importId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(error.RowNumber, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(error.Field, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(error.Message, NpgsqlDbType.Text, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await connection.ExecuteAsync(new CommandDefinition(ProgressSql, new
        {
            ImportId = importId,
            Chunk = chunk,
            RowsRead = rowsRead,
            Accepted = accepted,
            New = @new,
            Rejected = rejected,
        }, tx, cancellationToken: ct));
    }

    public async Task CompleteAsync(Guid importId, CancellationToken ct) => await FinishAsync(importId, "completed", null, ct);

    public async Task FailAsync(Guid importId, string error, CancellationToken ct) => await FinishAsync(importId, "failed", error, ct);

    public async Task<ImportReport?> ReportAsync(Guid importId, int firstErrors, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ReportRow>(new CommandDefinition(ReportSql, new { ImportId = importId }, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        var errors = (await connection.QueryAsync<ImportErrorItem>(new CommandDefinition(FirstErrorsSql, new { ImportId = importId, Limit = firstErrors }, cancellationToken: ct))).AsList();
        return row.ToReport(errors, time.GetUtcNow());
    }

    public async Task<bool> ExistsAsync(Guid importId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM imports WHERE import_id = @ImportId)", new { ImportId = importId }, cancellationToken: ct));
    }

    private async Task FinishAsync(Guid importId, string status, string? error, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(FinishSql, new { ImportId = importId, Status = status, Error = error, Now = time.GetUtcNow() }, cancellationToken: ct));
    }

    private sealed record ReportRow(
        Guid ImportId, string Kind, string Status, string? FileName, string FileSha256, long FileBytes, string Options, long RowsRead,
        long RowsAccepted, long RowsNew, long RowsRejected, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? CompletedAt, long ErrorCount)
    {
        public ImportReport ToReport(IReadOnlyList<ImportErrorItem> firstErrors, DateTimeOffset now)
        {
            var seconds = StartedAt is { } start ? ((CompletedAt ?? now) - start).TotalSeconds : (double?)null;
            return new ImportReport(
                ImportId, Kind, Status, FileName, FileBytes, FileSha256, JsonSerializer.Deserialize<ImportSettings>(Options, Json)!,
                RowsRead, RowsAccepted, RowsNew, RowsRejected, ErrorCount, Error, CreatedAt, StartedAt, CompletedAt,
                seconds is > 0 ? Math.Round(seconds.Value, 3) : null,
                seconds is > 0 ? Math.Round(RowsRead / seconds.Value) : null,
                firstErrors,
                $"/v1/imports/{ImportId}/errors");
        }
    }
}

/// <summary>An unfinished import as its job sees it.</summary>
public sealed record PendingImport(Guid ImportId, string Kind, string Options, string? SpoolPath, string? SpoolHost, int ChunkRows);

/// <summary>
/// An import's state: status (queued, running, completed, failed), counts (rowsRead = records after the header, blank
/// lines included; rowsAccepted = valid rows, new or already known; rowsNew = stored and published now; rowsRejected =
/// rows with errors), timings, the number of errors and the first of them.
/// </summary>
public sealed record ImportReport(
    Guid ImportId,
    string Kind,
    string Status,
    string? FileName,
    long FileBytes,
    string FileSha256,
    ImportSettings Options,
    long RowsRead,
    long RowsAccepted,
    long RowsNew,
    long RowsRejected,
    long ErrorCount,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    double? RowsPerSecond,
    IReadOnlyList<ImportErrorItem> FirstErrors,
    string ErrorsUrl);

/// <summary>One row's problem with one column.</summary>
public sealed record ImportErrorItem(long RowNumber, string Field, string Message);

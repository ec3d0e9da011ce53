using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using Ingestion.Features.Transactions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Csv;
using Sylvan.Data.Csv;

namespace Ingestion.Features.Imports;

/// <summary>The file turned out bad part-way (invalid UTF-8, a record too long): the import fails, committed chunks stay.</summary>
public sealed class ImportFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one import. One task reads and validates the spooled file, cut into numbered chunks of the job's chunk size;
/// <see cref="ImportOptions.Writers"/> tasks write chunks in parallel, each chunk in its own transaction together with
/// its counts, its row errors and its commit record. A resumed run skips the committed chunks, so every row is
/// written once whatever the order of commits, and memory stays bounded by a few chunks whatever the file's size.
/// </summary>
public sealed class ImportProcessor(NpgsqlDataSource db, IOptions<ImportOptions> options, TimeProvider time)
{
    // Invalid bytes become a noncharacter that no valid row carries, so the row that holds them fails the import with
    // its own number. (Throwing decoders fail wherever the reader's read-ahead happens to be, rows earlier.) With the
    // BOM as its preamble, the reader skips a BOM.
    private const char InvalidUtf8 = '\uFDD0';

    private static readonly Encoding MarkingUtf8 = Encoding.GetEncoding(
        "utf-8", EncoderFallback.ExceptionFallback, new DecoderReplacementFallback(InvalidUtf8.ToString()));

    internal async Task RunAsync<T>(ImportKind<T> kind, ImportJob job, CancellationToken ct)
        where T : class
    {
        var writers = Math.Max(1, options.Value.Writers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = Channel.CreateBounded<Chunk<T>>(new BoundedChannelOptions(writers) { SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(kind, job, chunks.Writer, stop.Token), stop.Token);
        var writing = Enumerable.Range(0, writers).Select(_ => Task.Run(() => WriteAllAsync(kind, job, chunks.Reader, stop), stop.Token)).ToList();
        try
        {
            await Task.WhenAll(writing);
        }
        catch
        {
            // Report the failure that stopped the run: a write error before a bad file, either before the
            // cancellations they caused.
            await stop.CancelAsync();
            var all = writing.Append(reading).ToList();
            await SettleAsync(all);
            var errors = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
            ExceptionDispatchInfo.Throw(
                errors.FirstOrDefault(e => e is not (OperationCanceledException or ImportFileException))
                ?? errors.FirstOrDefault(e => e is ImportFileException)
                ?? errors.FirstOrDefault()
                ?? new OperationCanceledException(ct));
        }

        await reading;
    }

    private static async Task SettleAsync(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception)
        {
            // inspected by the caller through each task
        }
    }

    private async Task WriteAllAsync<T>(ImportKind<T> kind, ImportJob job, ChannelReader<Chunk<T>> chunks, CancellationTokenSource stop)
        where T : class
    {
        // Customers this writer has seen to exist: each is looked up once per import, not once per chunk.
        var knownCustomers = new KnownCustomerSet();
        try
        {
            await foreach (var chunk in chunks.ReadAllAsync(stop.Token))
            {
                await WriteAsync(kind, job, chunk, knownCustomers, stop.Token);
            }
        }
        catch (Exception e) when (e is not ImportFileException)
        {
            // A bad file ends the reading, not the writing: the other writers still commit the rows before the bad one.
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task ReadAsync<T>(ImportKind<T> kind, ImportJob job, ChannelWriter<Chunk<T>> output, CancellationToken ct)
        where T : class
    {
        var settings = options.Value;
        Exception? failure = null;
        long row = 0;
        var chunk = new Chunk<T>(0, job.ChunkRows);
        try
        {
            using var text = new StreamReader(job.SpoolPath, MarkingUtf8, detectEncodingFromByteOrderMarks: false, new FileStreamOptions { BufferSize = 1 << 20, Options = FileOptions.SequentialScan });
            using var reader = CsvDataReader.Create(text, CsvDialect.ReaderOptions(settings.MaxRecordChars));
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var (problems, fileIndexOf, attributeColumns) = CsvHeader.Check(kind, names, job.Settings);
            if (problems.Count > 0)
            {
                throw new ImportFileException("the header is not valid: " + string.Join("; ", problems));
            }

            var record = new CsvRecord(reader, fileIndexOf, kind.Columns.Select(CamelCase).ToArray(), attributeColumns);
            var context = new ImportContext(job.Settings, time.GetUtcNow());
            while (Next(reader, row))
            {
                row++;
                var number = (int)((row - 1) / job.ChunkRows);
                if (number != chunk.Number)
                {
                    await EmitAsync(chunk, job, output, ct);
                    chunk = new Chunk<T>(number, job.ChunkRows);
                }

                chunk.LastRow = row;
                if (job.CommittedChunks.Contains(number))
                {
                    continue; // committed before a restart
                }

                if (reader.GetRawRecordSpan().Contains(InvalidUtf8))
                {
                    chunk.LastRow = row - 1;
                    throw new ImportFileException($"row {row} is not valid UTF-8; the rows before it were imported");
                }

                if (reader.RowFieldCount == 1 && reader.GetFieldSpan(0).IsWhiteSpace())
                {
                    continue; // a blank line is no record: counted as read, neither accepted nor rejected
                }

                if (reader.RowFieldCount != names.Count)
                {
                    chunk.Reject([new RowError(row, "row", $"has {reader.RowFieldCount} fields but the header has {names.Count}")]);
                    continue;
                }

                record.Reset();
                var errors = new ValidationErrors();
                if (kind.Map(record, errors, context) is { } valid && record.ParseErrors is null)
                {
                    chunk.Accept(valid, row);
                }
                else
                {
                    chunk.Reject(ErrorsOf(kind, row, errors, record.ParseErrors));
                }
            }
        }
        catch (ImportFileException e)
        {
            failure = e;
        }
        catch (CsvRecordTooLargeException e)
        {
            failure = new ImportFileException($"row {row + 1} is longer than {settings.MaxRecordChars:N0} characters (a quoted field that is never closed?); the rows before it were imported", e);
        }
        catch (CsvFormatException e)
        {
            failure = new ImportFileException($"row {row + 1} is not valid CSV ({e.Message}); the rows before it were imported", e);
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            return;
        }

        // What was read before a bad row is written too; then the import fails with the reason.
        await EmitAsync(chunk, job, output, ct);
        output.TryComplete(failure);
    }

    private static async Task EmitAsync<T>(Chunk<T> chunk, ImportJob job, ChannelWriter<Chunk<T>> output, CancellationToken ct)
    {
        if (chunk.LastRow > chunk.FirstRow - 1 && !job.CommittedChunks.Contains(chunk.Number))
        {
            await output.WriteAsync(chunk, ct);
        }
    }

    private static bool Next(CsvDataReader reader, long row)
    {
        try
        {
            return reader.Read();
        }
        catch (IOException e)
        {
            throw new ImportFileException($"row {row + 1} could not be read from the spooled file: {e.Message}", e);
        }
    }

    private async Task WriteAsync<T>(ImportKind<T> kind, ImportJob job, Chunk<T> chunk, KnownCustomerSet knownCustomers, CancellationToken ct)
        where T : class
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (accepted, @new, refused) = (0, 0, 0);
        if (chunk.Rows.Count > 0)
        {
            var result = await kind.WriteAsync(tx, chunk.Rows, job.Settings, knownCustomers, ct);
            for (var i = 0; i < chunk.Rows.Count; i++)
            {
                if (result.Outcomes[i] is RowOutcome.UnknownReference or RowOutcome.Conflict)
                {
                    var (field, message) = kind.Refusal(result.Outcomes[i], chunk.Rows[i]);
                    chunk.Errors.Add(new RowError(chunk.RowNumbers[i], kind.ColumnOf(field), message));
                    refused++;
                }
            }

            accepted = chunk.Rows.Count - refused;
            @new = result.New;
        }

        var rowsRead = chunk.LastRow - chunk.FirstRow + 1;
        await ImportStore.RecordChunkAsync(tx, job.ImportId, chunk.Number, rowsRead, accepted, @new, chunk.Rejected + refused, chunk.Errors, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>One error per column (messages joined); a value that did not parse replaces what validation said about it.</summary>
    private static RowError[] ErrorsOf(ImportKind kind, long row, ValidationErrors validation, ValidationErrors? parsing)
    {
        var byField = validation.ToDictionary();
        foreach (var (field, messages) in parsing?.ToDictionary() ?? new Dictionary<string, string[]>())
        {
            byField[field] = messages;
        }

        return byField
            .GroupBy(e => kind.ColumnOf(e.Key), StringComparer.Ordinal)
            .Select(g => new RowError(row, g.Key, string.Join("; ", g.SelectMany(e => e.Value))))
            .ToArray();
    }

    /// <summary><c>customer_external_id</c> → <c>customerExternalId</c>.</summary>
    private static string CamelCase(string column)
    {
        var parts = column.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>Rows <see cref="FirstRow"/>..<see cref="LastRow"/> of the file: the valid ones with their numbers, and the rejected rows' errors.</summary>
    private sealed class Chunk<T>(int number, int chunkRows)
    {
        public int Number { get; } = number;

        public long FirstRow { get; } = ((long)number * chunkRows) + 1;

        public long LastRow { get; set; } = (long)number * chunkRows;

        public List<T> Rows { get; } = new(chunkRows);

        public List<long> RowNumbers { get; } = new(chunkRows);

        public List<RowError> Errors { get; } = [];

        public int Rejected { get; private set; }

        public void Accept(T row, long number)
        {
            Rows.Add(row);
            RowNumbers.Add(number);
        }

        public void Reject(IEnumerable<RowError> errors)
        {
            Errors.AddRange(errors);
            Rejected++;
        }
    }
}

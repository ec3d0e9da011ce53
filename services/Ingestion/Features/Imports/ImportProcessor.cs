using System.Text;
using System.Threading.Channels;
using Ingestion.Features.Transactions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ServiceDefaults;
using Sylvan.Data.Csv;

namespace Ingestion.Features.Imports;

/// <summary>The file turned out bad part-way (invalid UTF-8, a record too long): the import fails, committed chunks stay.</summary>
public sealed class ImportFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one import: one task reads and validates the spooled file into chunks while another writes the previous chunk,
/// each in its own transaction together with the import's progress and the chunk's row errors. So a crash or restart
/// resumes after the last committed chunk, and memory stays bounded by two chunks whatever the file's size.
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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = Channel.CreateBounded<Chunk<T>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(kind, job, chunks.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(ct))
            {
                await WriteAsync(kind, job, chunk, ct);
            }
        }
        catch
        {
            await stop.CancelAsync();
            await Task.WhenAny(reading); // let the reader finish before the file is deleted; its error is secondary
            throw;
        }

        await reading;
    }

    private async Task ReadAsync<T>(ImportKind<T> kind, ImportJob job, ChannelWriter<Chunk<T>> output, CancellationToken ct)
        where T : class
    {
        var settings = options.Value;
        Exception? failure = null;
        long row = 0;
        var chunk = new Chunk<T>(settings.ChunkRows);
        try
        {
            using var text = new StreamReader(job.SpoolPath, MarkingUtf8, detectEncodingFromByteOrderMarks: false, new FileStreamOptions { BufferSize = 1 << 20, Options = FileOptions.SequentialScan });
            using var reader = CsvDataReader.Create(text, CsvHeader.ReaderOptions(settings.MaxRecordChars));
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var (problems, fileIndexOf) = CsvHeader.Check(kind, names, job.Settings);
            if (problems.Count > 0)
            {
                throw new ImportFileException("the header is not valid: " + string.Join("; ", problems));
            }

            var jsonNames = kind.Columns.Select(CamelCase).ToArray();
            var record = new CsvRecord(reader, fileIndexOf, jsonNames);
            var context = new ImportContext(job.Settings, time.GetUtcNow());
            while (Next(reader, row))
            {
                row++;
                if (row <= job.RowsRead)
                {
                    continue; // committed before a restart
                }

                if (reader.GetRawRecordSpan().Contains(InvalidUtf8))
                {
                    throw new ImportFileException($"row {row} is not valid UTF-8; the rows before it were imported");
                }

                chunk.RowsRead = row;
                if (reader.RowFieldCount == 1 && reader.GetFieldSpan(0).IsWhiteSpace())
                {
                    // A blank line is no record: counted as read, neither accepted nor rejected.
                }
                else if (reader.RowFieldCount != names.Count)
                {
                    chunk.Reject([new RowError(row, "row", $"has {reader.RowFieldCount} fields but the header has {names.Count}")]);
                }
                else
                {
                    record.Reset();
                    var errors = new ValidationErrors();
                    var valid = kind.Map(record, errors, context);
                    if (valid is not null && record.ParseErrors is null)
                    {
                        chunk.Accept(valid, row);
                    }
                    else
                    {
                        chunk.Reject(ErrorsOf(kind, row, errors, record.ParseErrors));
                    }
                }

                if (chunk.Size >= settings.ChunkRows)
                {
                    await output.WriteAsync(chunk, ct);
                    chunk = new Chunk<T>(settings.ChunkRows);
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
        if (chunk.RowsRead > 0)
        {
            await output.WriteAsync(chunk, ct);
        }

        output.TryComplete(failure);
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

    private async Task WriteAsync<T>(ImportKind<T> kind, ImportJob job, Chunk<T> chunk, CancellationToken ct)
        where T : class
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (accepted, @new, refused) = (0, 0, 0);
        if (chunk.Rows.Count > 0)
        {
            var result = await kind.WriteAsync(tx, chunk.Rows, job.Settings, ct);
            for (var i = 0; i < chunk.Rows.Count; i++)
            {
                if (result.Outcomes[i] is RowOutcome.UnknownCustomer or RowOutcome.Conflict)
                {
                    var (field, message) = kind.Refusal(result.Outcomes[i], chunk.Rows[i]);
                    chunk.Errors.Add(new RowError(chunk.RowNumbers[i], kind.ColumnOf(field), message));
                    refused++;
                }
            }

            accepted = chunk.Rows.Count - refused;
            @new = result.New;
        }

        await ImportStore.RecordChunkAsync(tx, job.ImportId, chunk.RowsRead, accepted, @new, chunk.Rejected + refused, chunk.Errors, ct);
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

    /// <summary>Valid rows (with their row numbers) and rejected rows' errors, up to <see cref="ImportOptions.ChunkRows"/> rows.</summary>
    private sealed class Chunk<T>(int capacity)
    {
        public List<T> Rows { get; } = new(capacity);

        public List<long> RowNumbers { get; } = new(capacity);

        public List<RowError> Errors { get; } = [];

        public int Rejected { get; private set; }

        /// <summary>Records after the header read up to the end of this chunk (what a resume skips).</summary>
        public long RowsRead { get; set; }

        public int Size => Rows.Count + Rejected;

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

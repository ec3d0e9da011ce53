using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ingestion.Features.Imports;

/// <summary>
/// Streams an uploaded file to the spool folder, never holding it in memory, while it computes the SHA-256 and checks
/// that the bytes are text: strict UTF-8 (a BOM is fine) without NUL bytes, the whole file, not just its start. The
/// header line is checked as soon as it has arrived, so a wrong file is refused without reading it all.
/// </summary>
public static class CsvSpooler
{
    private const int BufferBytes = 256 * 1024;
    private const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Outcome of spooling: the file's size and hash, or the problem that refuses it (field: "file" or "header").</summary>
    public sealed record Result(long Bytes, string Sha256, string? ProblemField, string? Problem);

    /// <param name="body">The request body.</param>
    /// <param name="path">The spool file to create.</param>
    /// <param name="checkHeader">Returns the header's problems (empty when it is fine) for the header line's text.</param>
    /// <param name="ct">Cancels the upload.</param>
    public static async Task<Result> SpoolAsync(Stream body, string path, Func<string, IReadOnlyList<string>> checkHeader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(checkHeader);
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var chars = ArrayPool<char>.Shared.Rent(BufferBytes);
        var header = new MemoryStream();
        var headerChecked = false;
        long bytes = 0;
        long line = 1;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferBytes), ct)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                if (TextProblem(decoder, chunk, chars, flush: false, line) is { } problem)
                {
                    return Refused(bytes, "file", problem);
                }

                if (!headerChecked)
                {
                    header.Write(chunk[..Math.Min(chunk.Length, MaxHeaderBytes)]);
                    if (chunk.Contains((byte)'\n') || header.Length >= MaxHeaderBytes)
                    {
                        headerChecked = true;
                        if (HeaderProblem(header, checkHeader) is { } headerProblem)
                        {
                            return Refused(bytes, "header", headerProblem);
                        }
                    }
                }

                line += chunk.Count((byte)'\n');
                hash.AppendData(chunk);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
                bytes += read;
            }

            if (TextProblem(decoder, [], chars, flush: true, line) is { } truncated)
            {
                return Refused(bytes, "file", truncated);
            }

            if (bytes == 0)
            {
                return Refused(0, "file", "the file is empty: send a CSV file with a header line");
            }

            if (!headerChecked && HeaderProblem(header, checkHeader) is { } onlyHeaderProblem)
            {
                return Refused(bytes, "header", onlyHeaderProblem);
            }

            return new Result(bytes, Convert.ToHexStringLower(hash.GetHashAndReset()), null, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Strictly decodes <paramref name="chunk"/> (the decoder keeps a sequence split between chunks); null when it is clean text.</summary>
    private static string? TextProblem(Decoder decoder, ReadOnlySpan<byte> chunk, char[] chars, bool flush, long line)
    {
        var nul = chunk.IndexOf((byte)0);
        if (nul >= 0)
        {
            return $"line {line + chunk[..nul].Count((byte)'\n')} contains a NUL byte: this is not a CSV text file";
        }

        try
        {
            decoder.Convert(chunk, chars, flush, out _, out _, out _);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, chunk.Length);
            return $"line {line + chunk[..at].Count((byte)'\n')} is not valid UTF-8: send the file encoded as UTF-8";
        }
    }

    private static string? HeaderProblem(MemoryStream header, Func<string, IReadOnlyList<string>> checkHeader)
    {
        var bytes = header.GetBuffer().AsSpan(0, (int)header.Length);
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var end = bytes.IndexOf((byte)'\n');
        if (end < 0 && header.Length >= MaxHeaderBytes)
        {
            return $"the first line is longer than {MaxHeaderBytes / 1024} KiB: this is not a CSV header";
        }

        // Already known to be valid UTF-8 (the whole chunk was decoded); a sequence cut at the 64 KiB mark cannot matter here.
        var text = Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]).TrimEnd('\r');
        IReadOnlyList<string> problems;
        try
        {
            problems = checkHeader(text);
        }
        catch (Sylvan.Data.Csv.CsvFormatException)
        {
            // e.g. a JSON document sent as text/csv: quotes inside an unquoted name. Refused like any bad header, not a 500.
            return "the first line is not a CSV header: a quote is unbalanced or inside an unquoted name";
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static Result Refused(long bytes, string field, string problem) => new(bytes, "", field, problem);
}

using Microsoft.Net.Http.Headers;
using Sylvan.Data.Csv;

namespace Platform.ServiceDefaults.Csv;

/// <summary>The one CSV dialect every file the platform takes is read in, and the content types that announce it.</summary>
public static class CsvDialect
{
    /// <summary>RFC 4180: comma separated, double-quote quoting, a header row, no comment lines; records up to <paramref name="maxRecordChars"/>.</summary>
    public static CsvDataReaderOptions ReaderOptions(int maxRecordChars) => new()
    {
        HasHeaders = true,
        Delimiter = ',',
        Quote = '"',
        Escape = '"',
        Comment = '\0', // '#' would otherwise skip rows starting with it
        ResultSetMode = ResultSetMode.SingleResult,
        BufferSize = Math.Min(64 * 1024, maxRecordChars),
        MaxBufferSize = maxRecordChars,
    };

    /// <summary>True for <c>text/csv</c> or <c>application/csv</c>, in UTF-8 or without a charset.</summary>
    public static bool IsCsvContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase))
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}

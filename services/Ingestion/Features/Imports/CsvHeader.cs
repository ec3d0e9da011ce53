using Sylvan.Data.Csv;

namespace Ingestion.Features.Imports;

/// <summary>
/// Reads and checks a file's header against its kind: names are matched case-insensitively after trimming; an unknown,
/// nameless or repeated column, or a missing required one, refuses the file before anything is stored.
/// </summary>
public static class CsvHeader
{
    /// <summary>The CSV dialect of every import: RFC 4180, comma separated, double-quote quoting, no comment lines.</summary>
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

    /// <summary>The header's names as read by the same reader the worker uses.</summary>
    public static IReadOnlyList<string> NamesOf(string headerLine)
    {
        using var reader = CsvDataReader.Create(new StringReader(headerLine), ReaderOptions(1024 * 1024));
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
    }

    /// <summary>
    /// Checks <paramref name="names"/>; returns the problems (empty when fine) and, per column of the kind, its index
    /// in the file (-1 when absent).
    /// </summary>
    public static (List<string> Problems, int[] FileIndexOf) Check(ImportKind kind, IReadOnlyList<string> names, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(names);
        var problems = new List<string>();
        var fileIndexOf = Enumerable.Repeat(-1, kind.Columns.Count).ToArray();
        var present = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Trim().ToLowerInvariant();
            var ordinal = IndexOf(kind.Columns, name);
            if (name.Length == 0)
            {
                problems.Add($"column {i + 1} has no name");
            }
            else if (!present.Add(name))
            {
                problems.Add($"column '{name}' appears twice");
            }
            else if (ordinal < 0)
            {
                problems.Add($"unknown column '{Shorten(names[i])}' (a {kind.Name} file has: {string.Join(", ", kind.Columns)})");
            }
            else
            {
                fileIndexOf[ordinal] = i;
            }
        }

        problems.AddRange(kind.MissingColumns(present, settings).Select(c => $"missing required column {c}"));
        return (problems, fileIndexOf);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "…";
}

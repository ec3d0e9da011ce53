using Platform.ServiceDefaults.Csv;
using Sylvan.Data.Csv;

namespace Ingestion.Features.Imports;

/// <summary>
/// Reads and checks a file's header against its kind: names are matched case-insensitively after trimming; an unknown,
/// nameless or repeated column, or a missing required one, refuses the file before anything is stored.
/// </summary>
public static class CsvHeader
{
    /// <summary>The header's names as read by the same reader the worker uses.</summary>
    public static IReadOnlyList<string> NamesOf(string headerLine)
    {
        using var reader = CsvDataReader.Create(new StringReader(headerLine), CsvDialect.ReaderOptions(1024 * 1024));
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
    }

    /// <summary>
    /// Checks <paramref name="names"/>; returns the problems (empty when fine), per column of the kind its index in the
    /// file (-1 when absent), and the free-attribute columns (<c>attr.KEY</c> or <c>attr.KEY:TYPE</c>, for kinds that
    /// take them).
    /// </summary>
    public static (List<string> Problems, int[] FileIndexOf, IReadOnlyList<AttributeColumn> Attributes) Check(ImportKind kind, IReadOnlyList<string> names, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(names);
        var problems = new List<string>();
        var fileIndexOf = Enumerable.Repeat(-1, kind.Columns.Count).ToArray();
        var present = new HashSet<string>(StringComparer.Ordinal);
        var attributes = new List<AttributeColumn>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Trim().ToLowerInvariant();
            var ordinal = IndexOf(kind.Columns, name);
            if (kind.TakesAttributes && names[i].Trim().StartsWith(AttributeColumn.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                // Attribute keys keep their case (they are the stored keys); the prefix and type are case-insensitive.
                if (AttributeColumn.Parse(names[i].Trim(), i, out var problem) is { } attribute && present.Add("attr:" + attribute.Key))
                {
                    attributes.Add(attribute);
                }
                else
                {
                    problems.Add(problem ?? $"attribute column '{Shorten(names[i])}' appears twice");
                }
            }
            else if (name.Length == 0)
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
        return (problems, fileIndexOf, attributes);
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

/// <summary>
/// A free-attribute column of a customers file: <c>attr.KEY</c> (text) or <c>attr.KEY:number</c> / <c>:boolean</c> /
/// <c>:text</c>. A CSV cell has no type of its own, so the header says it (a postal code stays "01234").
/// </summary>
public sealed record AttributeColumn(string Key, string Type, int FileIndex)
{
    /// <summary>How an attribute column's name starts.</summary>
    public const string Prefix = "attr.";

    /// <summary>Reads a header name; null with a problem when it is not a valid attribute column.</summary>
    public static AttributeColumn? Parse(string name, int fileIndex, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        var rest = name[Prefix.Length..];
        var colon = rest.LastIndexOf(':');
        var key = colon < 0 ? rest : rest[..colon];
        var type = colon < 0 ? "text" : rest[(colon + 1)..].ToLowerInvariant();
        problem = null;
        if (key.Length is 0 or > Customers.CustomerRequest.MaxAttributeKeyLength)
        {
            problem = $"attribute column '{(name.Length <= 64 ? name : name[..64] + "…")}' needs a key of 1 to {Customers.CustomerRequest.MaxAttributeKeyLength} characters";
            return null;
        }

        if (type is not ("text" or "number" or "boolean"))
        {
            problem = $"attribute column '{name}' has type '{type}'; use :text, :number or :boolean";
            return null;
        }

        return new AttributeColumn(key, type, fileIndex);
    }
}

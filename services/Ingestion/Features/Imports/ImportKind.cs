using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ingestion.Features.Transactions;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;

[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace", Target = "~N:Ingestion.Features.Imports", Justification = "The feature is called imports; this service is not consumed from Visual Basic.")]

namespace Ingestion.Features.Imports;

/// <summary>Options of one import, given as query parameters and kept in <c>imports.options</c>.</summary>
/// <param name="CreateCustomers">Create minimal customers for unknown external ids (transactions, responses).</param>
/// <param name="Currency">Currency of transaction rows that leave <c>currency</c> empty or have no such column.</param>
public sealed record ImportSettings(bool CreateCustomers, string? Currency);

/// <summary>
/// What an import of one kind reads: its CSV columns (snake_case of the JSON field names), how a row becomes the
/// JSON API's request record (so it is validated by the very same code), and which writer stores a chunk.
/// </summary>
public abstract class ImportKind
{
    /// <summary>"transactions", "responses" or "customers".</summary>
    public abstract string Name { get; }

    /// <summary>Every column a file of this kind may have, in the order the docs list them.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>Whether a file of this kind may carry free-attribute columns (<see cref="AttributeColumn"/>).</summary>
    public virtual bool TakesAttributes => false;

    /// <summary>Problems with a header that has <paramref name="present"/> (lower case) under <paramref name="settings"/>.</summary>
    public abstract IEnumerable<string> MissingColumns(IReadOnlySet<string> present, ImportSettings settings);

    /// <summary>The CSV column a validation error's field (a JSON name, e.g. <c>customerExternalId</c>) refers to.</summary>
    public virtual string ColumnOf(string field) => SnakeCase(field);

    /// <summary>Reads, validates and writes the rows of one file; implemented once, generically, by <see cref="ImportKind{T}"/>.</summary>
    internal abstract Task RunAsync(ImportProcessor processor, ImportJob job, CancellationToken ct);

    /// <summary><c>customerExternalId</c> → <c>customer_external_id</c>; dots and brackets kept.</summary>
    public static string SnakeCase(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var builder = new StringBuilder(field.Length + 8);
        foreach (var c in field)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>An import kind whose validated rows are <typeparamref name="T"/>.</summary>
public abstract class ImportKind<T> : ImportKind
    where T : class
{
    /// <summary>Maps the current CSV row to the request record and validates it; null (with errors) when it is bad.</summary>
    public abstract T? Map(CsvRecord record, ValidationErrors errors, ImportContext context);

    /// <summary>
    /// Writes one chunk of valid rows in <paramref name="tx"/> (set-based, events in the outbox).
    /// <paramref name="knownCustomers"/> is the writer's memory of customers known to exist (see <see cref="KnownCustomers"/>).
    /// </summary>
    public abstract Task<WriteResult> WriteAsync(NpgsqlTransaction tx, List<T> rows, ImportSettings settings, KnownCustomerSet knownCustomers, CancellationToken ct);

    /// <summary>The field (JSON name) and message for a row the writer refused.</summary>
    public abstract (string Field, string Message) Refusal(RowOutcome outcome, T row);

    internal override Task RunAsync(ImportProcessor processor, ImportJob job, CancellationToken ct) => processor.RunAsync(this, job, ct);
}

/// <summary>What mapping a row needs besides the row: the import's settings and "now" (fixed for the whole import).</summary>
public sealed record ImportContext(ImportSettings Settings, DateTimeOffset Now);

/// <summary>
/// The current row of a CSV file, read by column ordinal of an <see cref="ImportKind"/> (its <c>Columns</c> order).
/// Absent columns and blank fields read as null. Numbers and booleans are parsed from the field's characters without
/// allocating; a value that does not parse is recorded in <see cref="ParseErrors"/> under the field's JSON name.
/// </summary>
public sealed class CsvRecord(Sylvan.Data.Csv.CsvDataReader reader, int[] fileIndexOf, IReadOnlyList<string> jsonNames, IReadOnlyList<AttributeColumn>? attributeColumns = null)
{
    /// <summary>
    /// The row's free attributes (blank cells left out), typed as their columns say; null when the file has none or
    /// all are blank. A cell that does not parse as its type is a parse error of <c>attributes.KEY</c>.
    /// </summary>
    public Dictionary<string, System.Text.Json.JsonElement>? Attributes()
    {
        Dictionary<string, System.Text.Json.JsonElement>? result = null;
        foreach (var column in attributeColumns ?? [])
        {
            var span = column.FileIndex < reader.RowFieldCount ? reader.GetFieldSpan(column.FileIndex).Trim() : default;
            if (span.IsEmpty)
            {
                continue;
            }

            System.Text.Json.JsonElement? value = column.Type switch
            {
                "number" => decimal.TryParse(span, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                    ? System.Text.Json.JsonSerializer.SerializeToElement(n) : null,
                "boolean" => span.Equals("true", StringComparison.OrdinalIgnoreCase) ? System.Text.Json.JsonSerializer.SerializeToElement(true)
                    : span.Equals("false", StringComparison.OrdinalIgnoreCase) ? System.Text.Json.JsonSerializer.SerializeToElement(false) : null,
                _ => System.Text.Json.JsonSerializer.SerializeToElement(span.ToString()),
            };
            if (value is { } v)
            {
                (result ??= new(StringComparer.Ordinal))[column.Key] = v;
            }
            else
            {
                (ParseErrors ??= new ValidationErrors()).Add("attributes." + column.Key, column.Type == "number" ? "is not a number" : "must be true or false");
            }
        }

        return result;
    }

    /// <summary>Values that could not be read as their type (field JSON name → message); null when there were none.</summary>
    public ValidationErrors? ParseErrors { get; private set; }

    internal void Reset() => ParseErrors = null;

    public string? Text(int column)
    {
        var span = Span(column);
        return span.IsWhiteSpace() ? null : reader.GetString(fileIndexOf[column]);
    }

    public decimal? Number(int column)
    {
        var span = Span(column).Trim();
        if (span.IsEmpty)
        {
            return null;
        }

        if (decimal.TryParse(span, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Fail(column, "is not a number (use a dot for decimals, no thousands separators)");
        return null;
    }

    public int? WholeNumber(int column)
    {
        var span = Span(column).Trim();
        if (span.IsEmpty)
        {
            return null;
        }

        if (int.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Fail(column, "is not a whole number");
        return null;
    }

    public bool? Flag(int column)
    {
        var span = Span(column).Trim();
        if (span.IsEmpty)
        {
            return null;
        }

        if (span.Equals("true", StringComparison.OrdinalIgnoreCase) || span is "1")
        {
            return true;
        }

        if (span.Equals("false", StringComparison.OrdinalIgnoreCase) || span is "0")
        {
            return false;
        }

        Fail(column, "must be true or false");
        return null;
    }

    public Guid? Uuid(int column)
    {
        var span = Span(column).Trim();
        if (span.IsEmpty)
        {
            return null;
        }

        if (Guid.TryParse(span, out var value))
        {
            return value;
        }

        Fail(column, "is not a UUID");
        return null;
    }

    private ReadOnlySpan<char> Span(int column)
    {
        var index = fileIndexOf[column];
        return index < 0 || index >= reader.RowFieldCount ? default : reader.GetFieldSpan(index);
    }

    private void Fail(int column, string message) => (ParseErrors ??= new ValidationErrors()).Add(jsonNames[column], message);
}

using System.Globalization;
using Platform.Data;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;
using Sylvan.Data.Csv;

namespace Campaigns.Features.External;

/// <summary>
/// Reading an external campaign's file: the header is matched case-insensitively against the columns the file kind
/// knows (an unknown, repeated or missing required column refuses the file), and each cell is read into the field's
/// type with a row error naming it (<c>rows[N].column</c>, N counting data rows from 1) when it does not parse.
/// Customers are named by <c>customer_id</c> or by <c>source</c> and <c>external_id</c> as in Ingestion.
/// </summary>
internal sealed class ExternalCsv : IAsyncDisposable
{
    /// <summary>Errors listed in one answer at most; the count of all is given beside them.</summary>
    public const int MaxListedErrors = 1_000;

    private readonly CsvDataReader _reader;
    private readonly Dictionary<string, int> _index;
    private readonly ValidationErrors _errors;

    private ExternalCsv(CsvDataReader reader, Dictionary<string, int> index, ValidationErrors errors)
    {
        _reader = reader;
        _index = index;
        _errors = errors;
    }

    /// <summary>Data rows read so far (the current row's number).</summary>
    public int Row { get; private set; }

    /// <summary>Row errors found, listed or not.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>
    /// Opens the file and checks its header against <paramref name="required"/> and <paramref name="optional"/> columns
    /// (lower case); a customer is required as <c>customer_id</c> or <c>source</c> + <c>external_id</c>. Header problems
    /// go to <paramref name="errors"/> under <c>file</c>, and null is returned.
    /// </summary>
    public static async Task<ExternalCsv?> OpenAsync(TextReader text, IReadOnlyList<string> required, IReadOnlyList<string> optional, ValidationErrors errors, CancellationToken ct)
    {
        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, Platform.ServiceDefaults.Csv.CsvDialect.ReaderOptions(64 * 1024), ct);
        }
        catch (CsvFormatException e)
        {
            errors.Add("file", $"is not readable CSV: {e.Message}");
            return null;
        }

        var known = required.Concat(optional).Concat(["customer_id", "source", "external_id"]).ToHashSet(StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var name = reader.GetName(i).Trim().ToLowerInvariant();
            if (!known.Contains(name))
            {
                errors.Add("file", $"column '{reader.GetName(i)}' is not known; the columns are {string.Join(", ", known.Order(StringComparer.Ordinal))}");
            }
            else if (!index.TryAdd(name, i))
            {
                errors.Add("file", $"column '{name}' appears more than once");
            }
        }

        foreach (var name in required.Where(n => !index.ContainsKey(n)))
        {
            errors.Add("file", $"column '{name}' is required");
        }

        var byId = index.ContainsKey("customer_id");
        var byExternal = index.ContainsKey("source") || index.ContainsKey("external_id");
        if (byId == byExternal || (byExternal && !(index.ContainsKey("source") && index.ContainsKey("external_id"))))
        {
            errors.Add("file", "name the customer either by a 'customer_id' column or by 'source' and 'external_id' columns");
        }

        if (errors.HasErrors)
        {
            await reader.DisposeAsync();
            return null;
        }

        return new ExternalCsv(reader, index, errors);
    }

    /// <summary>Moves to the next data row; false at the end. A row with the wrong number of fields is a row error.</summary>
    public async Task<bool> ReadAsync(CancellationToken ct)
    {
        while (await _reader.ReadAsync(ct))
        {
            Row++;
            if (_reader.RowFieldCount != _reader.FieldCount)
            {
                AddError("file", $"has {_reader.RowFieldCount} fields but the header has {_reader.FieldCount}");
                continue;
            }

            return true;
        }

        return false;
    }

    /// <summary>Records a problem with <paramref name="column"/> of the current row.</summary>
    public void AddError(string column, string message)
    {
        ErrorCount++;
        if (ErrorCount <= MaxListedErrors)
        {
            _errors.Add($"rows[{Row}].{column}", message);
        }
    }

    /// <summary>The trimmed cell of <paramref name="column"/>, or null when the column is absent or the cell empty.</summary>
    public string? Text(string column)
    {
        if (!_index.TryGetValue(column, out var i))
        {
            return null;
        }

        var value = _reader.GetString(i).Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (!Platform.ServiceDefaults.Validation.Text.IsStorable(value) || value.Length > 1_000)
        {
            AddError(column, "holds control characters or is longer than 1,000 characters");
            return null;
        }

        return value;
    }

    /// <summary>The customer of the current row (by id, or derived from source and external id as Ingestion does).</summary>
    public Guid? Customer()
    {
        if (_index.ContainsKey("customer_id"))
        {
            var id = Text("customer_id");
            if (id is null || !Guid.TryParse(id, out var customerId))
            {
                AddError("customer_id", "must be a customer id (uuid)");
                return null;
            }

            return customerId;
        }

        var source = Text("source");
        var externalId = Text("external_id");
        if (source is null || externalId is null)
        {
            AddError(source is null ? "source" : "external_id", "is required");
            return null;
        }

        return DeterministicGuid.ForCustomer(source, externalId);
    }

    /// <summary>An integer cell; <paramref name="fallback"/> when empty.</summary>
    public int? Integer(string column, int? fallback, int min, int max)
    {
        var text = Text(column);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            AddError(column, $"must be a whole number from {min} to {max}");
            return null;
        }

        return value;
    }

    /// <summary>A decimal cell (plain notation, '.' as separator); null when empty or bad (bad is a row error).</summary>
    public decimal? Decimal(string column, bool allowNegative)
    {
        var text = Text(column);
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || (!allowNegative && value < 0) || Math.Abs(value) > 1_000_000_000_000m)
        {
            AddError(column, allowNegative ? "must be a number" : "must be a number of 0 or more");
            return null;
        }

        return value;
    }

    /// <summary>A finite floating-point cell; null when empty or bad.</summary>
    public double? Double(string column)
    {
        var text = Text(column);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            AddError(column, "must be a finite number");
            return null;
        }

        return value;
    }

    /// <summary>A boolean cell (true/false, 1/0, yes/no); null when empty or bad.</summary>
    public bool? Boolean(string column)
    {
        var text = Text(column)?.ToLowerInvariant();
        switch (text)
        {
            case null: return null;
            case "true" or "1" or "yes": return true;
            case "false" or "0" or "no": return false;
            default:
                AddError(column, "must be true or false");
                return null;
        }
    }

    /// <summary>A timestamp (the platform's ISO grammar) or a date (yyyy-MM-dd, taken as midnight UTC); null when empty or bad.</summary>
    public DateTimeOffset? Time(string column)
    {
        var text = Text(column);
        if (text is null)
        {
            return null;
        }

        if (IsoTimestamp.TryParse(text, out var time))
        {
            return time;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        AddError(column, "must be a date (yyyy-MM-dd) or a timestamp (yyyy-MM-ddTHH:mm[:ss[.f]] with Z or ±HH:mm)");
        return null;
    }

    /// <summary>Closes the reader.</summary>
    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}

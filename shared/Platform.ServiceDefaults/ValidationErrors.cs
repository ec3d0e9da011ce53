using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults;

/// <summary>
/// Collects every problem with a request, field by field, so one 400 names them all
/// (<c>application/problem+json</c> with an <c>errors</c> map keyed by the field's JSON name).
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors;
    private readonly string _prefix;

    /// <summary>An empty set of errors.</summary>
    public ValidationErrors()
        : this(new Dictionary<string, List<string>>(StringComparer.Ordinal), "")
    {
    }

    private ValidationErrors(Dictionary<string, List<string>> errors, string prefix)
    {
        _errors = errors;
        _prefix = prefix;
    }

    /// <summary>
    /// A view that records into the same errors with <paramref name="prefix"/> before each field, e.g.
    /// <c>errors.WithPrefix("[3].")</c> for the fourth item of a batch, so "email" is reported as "[3].email".
    /// </summary>
    public ValidationErrors WithPrefix(string prefix) => new(_errors, _prefix + prefix);

    /// <summary>Number of fields with errors (across all prefixes).</summary>
    public int Count => _errors.Count;

    /// <summary>True when at least one field is bad.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Records a problem with <paramref name="field"/>.</summary>
    public void Add(string field, string message)
    {
        field = _prefix + field;
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Records "is required" when the value is missing or blank; returns whether it was present.</summary>
    public bool Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
            return false;
        }

        return true;
    }

    /// <summary>Records a problem when the value is longer than <paramref name="max"/> characters.</summary>
    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"must be at most {max} characters");
        }
    }

    /// <summary>
    /// Validates every item of a JSON-array batch with <paramref name="validate"/>, naming a missing item <c>[i]</c>
    /// ("must be a <paramref name="itemName"/> object") and an item's bad fields <c>[i].field</c>; returns the valid
    /// items in order (check <see cref="HasErrors"/> before using them: a batch is all or nothing).
    /// </summary>
    public List<TValid> ValidateItems<TRequest, TValid>(IReadOnlyList<TRequest?> items, string itemName, Func<TRequest, ValidationErrors, TValid?> validate)
        where TRequest : class
        where TValid : class
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(validate);
        var valid = new List<TValid>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                Add($"[{i}]", $"must be a {itemName} object");
            }
            else if (validate(item, WithPrefix($"[{i}].")) is { } ok)
            {
                valid.Add(ok);
            }
        }

        return valid;
    }

    /// <summary>The errors as a read-only map.</summary>
    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A 400 validation problem naming every bad field.</summary>
    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(ToDictionary(), title: "The request has invalid fields.");
}

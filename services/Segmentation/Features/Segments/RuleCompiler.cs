using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Segmentation.Features.Segments;

/// <summary>
/// Compiles a marketer's segment rule (a JSON tree) to a parameterized PostgreSQL condition over <c>segment_base b</c>.
/// </summary>
/// <remarks>
/// <para>Grammar. A rule is one node:</para>
/// <list type="bullet">
/// <item><c>{"and": [node, …]}</c>: all of them; an empty list selects everyone (<c>TRUE</c>).</item>
/// <item><c>{"or": [node, …]}</c>: any of them; at least one node.</item>
/// <item><c>{"not": node}</c>: everyone the node does not select.</item>
/// <item><c>{"field": name, "op": operator, "value": …}</c>: a condition on one field of <see cref="SegmentFields"/>;
/// <c>value</c> is absent for <c>is_null</c> and <c>is_not_null</c>.</item>
/// </list>
/// <para>A node has exactly the keys of one of these shapes. Limits: <see cref="MaxDepth"/>, <see cref="MaxNodes"/>,
/// <see cref="MaxListItems"/>, <see cref="MaxTextLength"/>, <see cref="MaxDays"/>.</para>
/// <para>Nulls. A condition on a field that is NULL is false (<c>ne</c> and <c>not_in</c> included: "country ne DE"
/// does not select customers without a country), and <c>not</c> is the exact complement of its node, so
/// "not (country eq DE)" does select them. Conditions compile to plain comparisons (indexes stay usable) and <c>not</c>
/// to <c>(x IS NOT TRUE)</c>, which turns SQL's unknown into false before negating.</para>
/// <para>Errors go to <c>errors</c> under the JSON path of the bad node relative to the rule: the rule itself is
/// <c>""</c>, then <c>.and[2]</c>, <c>.or[0]</c>, <c>.not</c>, <c>.field</c>, <c>.op</c>, <c>.value</c>, <c>.value[3]</c>, so a
/// caller passing <c>errors.WithPrefix("rule")</c> gets keys such as <c>rule.and[2].or[0].op</c>. Every error is reported
/// (up to <see cref="MaxErrors"/>), not only the first.</para>
/// </remarks>
public static partial class RuleCompiler
{
    /// <summary>Deepest nesting of nodes; the rule itself is level 1.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most nodes (groups and conditions) in one rule.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>Most items in an <c>in</c> or <c>not_in</c> list.</summary>
    public const int MaxListItems = 10_000;

    /// <summary>Longest text value, in UTF-16 code units.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Largest N of <c>within_last_days</c>.</summary>
    public const int MaxDays = 100_000;

    /// <summary>Errors reported before the compiler gives up on a rule.</summary>
    public const int MaxErrors = 100;

    /// <summary>
    /// The <see cref="JsonDocumentOptions.MaxDepth"/> / <see cref="JsonSerializerOptions.MaxDepth"/> a request holding a
    /// rule should be read with. Each <c>and</c>/<c>or</c> level takes two JSON levels (object and array), so a rule of
    /// <see cref="MaxDepth"/> levels needs 2 × 32 + 1 plus the request's own wrapping; the default 64 rejects deep
    /// <c>and</c>/<c>or</c> rules as unreadable JSON before this compiler can name the node that is too deep.
    /// </summary>
    public const int RecommendedJsonMaxDepth = 128;

    private const string NodeShape = "must be a rule: {\"and\": [...]}, {\"or\": [...]}, {\"not\": {...}} or {\"field\": ..., \"op\": ..., \"value\": ...}";

    /// <summary>
    /// Compiles <paramref name="rule"/>; returns null when it has errors, all of which are added to
    /// <paramref name="errors"/> (see the remarks for the path scheme). <paramref name="asOf"/> is "now" for
    /// <c>within_last_days</c>.
    /// </summary>
    public static CompiledRule? Compile(JsonElement rule, DateTimeOffset asOf, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var compilation = new Compilation(asOf, errors);
        var sql = compilation.Node(rule, "", 1);
        return sql is null || compilation.Failed ? null : new CompiledRule(sql, compilation.Parameters);
    }

    private sealed class Compilation(DateTimeOffset asOf, ValidationErrors errors)
    {
        private readonly List<NpgsqlParameter> _parameters = [];
        private int _nodes;
        private int _errors;
        private bool _stopped;

        public bool Failed => _errors > 0;

        public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

        public string? Node(JsonElement node, string path, int depth)
        {
            if (_stopped)
            {
                return null;
            }

            if (node.ValueKind == JsonValueKind.Undefined)
            {
                Error(path, "is required");
                return null;
            }

            if (node.ValueKind != JsonValueKind.Object)
            {
                Error(path, NodeShape);
                return null;
            }

            // Checked before looking inside, so a deeper tree is never walked: recursion stays within MaxDepth frames.
            if (depth > MaxDepth)
            {
                Error(path, $"is nested more than {MaxDepth} levels deep");
                return null;
            }

            if (++_nodes > MaxNodes)
            {
                Error("", $"has more than {MaxNodes} groups and conditions");
                _stopped = true;
                return null;
            }

            JsonElement? and = null, or = null, not = null, field = null, op = null, value = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in node.EnumerateObject())
            {
                if (_stopped)
                {
                    return null;
                }

                if (!seen.Add(property.Name))
                {
                    KeyError(path, property.Name, "is given more than once");
                    continue;
                }

                switch (property.Name)
                {
                    case "and": and = property.Value; break;
                    case "or": or = property.Value; break;
                    case "not": not = property.Value; break;
                    case "field": field = property.Value; break;
                    case "op": op = property.Value; break;
                    case "value": value = property.Value; break;
                    default: KeyError(path, property.Name, "is not a rule key (and, or, not, field, op, value)"); break;
                }
            }

            var groups = (and.HasValue ? 1 : 0) + (or.HasValue ? 1 : 0) + (not.HasValue ? 1 : 0);
            if (groups > 1)
            {
                Error(path, "must have only one of and, or, not");
                return null;
            }

            if (groups == 1)
            {
                var group = and.HasValue ? "and" : or.HasValue ? "or" : "not";
                foreach (var (key, present) in new[] { ("field", field.HasValue), ("op", op.HasValue), ("value", value.HasValue) })
                {
                    if (present)
                    {
                        Error($"{path}.{key}", $"is not allowed beside \"{group}\"");
                    }
                }

                return and is { } all ? Group(all, $"{path}.and", " AND ", allowEmpty: true, depth)
                    : or is { } any ? Group(any, $"{path}.or", " OR ", allowEmpty: false, depth)
                    : Not(not!.Value, $"{path}.not", depth);
            }

            if (field is null && op is null && value is null)
            {
                Error(path, NodeShape);
                return null;
            }

            return Condition(path, field, op, value);
        }

        private string? Group(JsonElement children, string path, string separator, bool allowEmpty, int depth)
        {
            if (children.ValueKind != JsonValueKind.Array)
            {
                Error(path, "must be an array of rules");
                return null;
            }

            var count = children.GetArrayLength();
            if (count == 0)
            {
                if (!allowEmpty)
                {
                    Error(path, "must have at least one rule");
                }

                return allowEmpty ? "TRUE" : null;
            }

            var parts = new List<string>(Math.Min(count, MaxNodes));
            var i = 0;
            foreach (var child in children.EnumerateArray())
            {
                if (_stopped)
                {
                    return null;
                }

                if (Node(child, $"{path}[{i}]", depth + 1) is { } sql)
                {
                    parts.Add(sql);
                }

                i++;
            }

            return parts.Count != count ? null
                : count == 1 ? parts[0]
                : "(" + string.Join(separator, parts) + ")";
        }

        private string? Not(JsonElement child, string path, int depth) =>
            Node(child, path, depth + 1) is { } sql ? $"({sql} IS NOT TRUE)" : null;

        private string? Condition(string path, JsonElement? fieldElement, JsonElement? opElement, JsonElement? value)
        {
            SegmentField? field = null;
            if (fieldElement is not { } f)
            {
                Error($"{path}.field", "is required");
            }
            else if (!TryGetString(f, out var name))
            {
                Error($"{path}.field", "must be a field name (a string)");
            }
            else if (!SegmentFields.TryGet(name, out field))
            {
                var closest = SegmentFields.Closest(name);
                Error($"{path}.field", $"unknown field \"{Shown(name)}\"" + (closest is null ? "" : $"; did you mean \"{closest}\"?"));
            }

            RuleOperator? op = null;
            if (opElement is not { } o)
            {
                Error($"{path}.op", "is required");
            }
            else if (!TryGetString(o, out var name) || !RuleOperators.TryParse(name, out var parsed))
            {
                var allowed = field is null ? RuleOperators.Names : RuleOperators.AllowedFor(field.Type).Select(RuleOperators.Name);
                Error($"{path}.op", $"must be one of: {string.Join(", ", allowed)}");
            }
            else if (field is not null && !RuleOperators.IsAllowed(parsed, field.Type))
            {
                Error(
                    $"{path}.op",
                    $"\"{name}\" is not allowed for {field.Name} ({SegmentFields.TypeName(field.Type)}); allowed: {string.Join(", ", RuleOperators.AllowedFor(field.Type).Select(RuleOperators.Name))}");
            }
            else
            {
                op = parsed;
            }

            if (field is null || op is not { } known)
            {
                return null; // the value cannot be judged without knowing what it is for
            }

            var valuePath = $"{path}.value";
            var column = field.Column;
            if (known is RuleOperator.IsNull or RuleOperator.IsNotNull)
            {
                if (value.HasValue)
                {
                    Error(valuePath, $"must not be given with {RuleOperators.Name(known)}");
                    return null;
                }

                return known == RuleOperator.IsNull ? $"({column} IS NULL)" : $"({column} IS NOT NULL)";
            }

            if (value is not { } v || v.ValueKind == JsonValueKind.Null)
            {
                Error(valuePath, value.HasValue ? "must not be null (is_null finds missing values)" : "is required");
                return null;
            }

            switch (known)
            {
                case RuleOperator.In or RuleOperator.NotIn:
                    return List(field, v, valuePath) is { } list
                        ? known == RuleOperator.In ? $"({column} = ANY({list}))" : $"({column} <> ALL({list}))"
                        : null;
                case RuleOperator.Between:
                    return Range(field, v, valuePath) is (var min, var max) ? $"({column} BETWEEN {min} AND {max})" : null;
                case RuleOperator.WithinLastDays:
                    return LastDays(field, v, valuePath) is (var from, var to) ? $"({column} BETWEEN {from} AND {to})" : null;
                default:
                    if (!TryValue(field, v, valuePath, out var scalar))
                    {
                        return null;
                    }

                    var p = Parameter(ScalarType(field.Type), scalar);
                    return known switch
                    {
                        RuleOperator.Eq => $"({column} = {p})",
                        RuleOperator.Ne => $"({column} <> {p})",
                        RuleOperator.Gt => $"({column} > {p})",
                        RuleOperator.Gte => $"({column} >= {p})",
                        RuleOperator.Lt => $"({column} < {p})",
                        RuleOperator.Lte => $"({column} <= {p})",
                        RuleOperator.StartsWith => $"(starts_with({column}, {p}))", // not LIKE: % and _ in the value stay literal
                        _ => throw new InvalidOperationException($"Operator {known} has no SQL."),
                    };
            }
        }

        private string? List(SegmentField field, JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Error(path, $"must be a non-empty array of at most {MaxListItems} values");
                return null;
            }

            if (value.GetArrayLength() > MaxListItems)
            {
                Error(path, $"must have at most {MaxListItems} values (has {value.GetArrayLength()})");
                return null;
            }

            var items = new List<object>(value.GetArrayLength());
            var ok = true;
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (_stopped)
                {
                    return null;
                }

                if (TryValue(field, item, $"{path}[{i}]", out var converted))
                {
                    items.Add(converted);
                }
                else
                {
                    ok = false;
                }

                i++;
            }

            if (!ok)
            {
                return null;
            }

            // One array parameter however long the list: a statement stays one statement with one plan.
            Array array = field.Type switch
            {
                SegmentFieldType.Uuid => items.Cast<Guid>().ToArray(),
                SegmentFieldType.Text or SegmentFieldType.TextEnum => items.Cast<string>().ToArray(),
                SegmentFieldType.WholeNumber => items.Cast<long>().ToArray(),
                SegmentFieldType.Numeric => items.Cast<decimal>().ToArray(),
                SegmentFieldType.Date => items.Cast<DateOnly>().ToArray(),
                _ => throw new InvalidOperationException($"No list parameter for {field.Type}."),
            };
            return Parameter(NpgsqlDbType.Array | ScalarType(field.Type), array);
        }

        private (string Min, string Max)? Range(SegmentField field, JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
            {
                Error(path, "must be an array [min, max]");
                return null;
            }

            var minOk = TryValue(field, value[0], $"{path}[0]", out var min);
            var maxOk = TryValue(field, value[1], $"{path}[1]", out var max);
            if (!minOk || !maxOk)
            {
                return null;
            }

            if (((IComparable)min).CompareTo(max) > 0)
            {
                Error(path, "min must not be greater than max");
                return null;
            }

            return (Parameter(ScalarType(field.Type), min), Parameter(ScalarType(field.Type), max));
        }

        private (string From, string To)? LastDays(SegmentField field, JsonElement value, string path)
        {
            if (!TryWhole(value, out var days) || days < 0 || days > MaxDays)
            {
                Error(path, $"must be a whole number of days from 0 to {MaxDays}");
                return null;
            }

            // Inclusive on both ends: a purchase at asOf, or on asOf's (UTC) date, counts as within the last 0 days.
            if (field.Type == SegmentFieldType.Date)
            {
                var today = DateOnly.FromDateTime(asOf.UtcDateTime);
                return (Parameter(NpgsqlDbType.Date, today.AddDays((int)-days)), Parameter(NpgsqlDbType.Date, today));
            }

            var now = asOf.ToUniversalTime();
            return (Parameter(NpgsqlDbType.TimestampTz, now.AddDays(-days)), Parameter(NpgsqlDbType.TimestampTz, now));
        }

        private bool TryValue(SegmentField field, JsonElement value, string path, out object converted)
        {
            converted = null!;
            var message = field.Type switch
            {
                SegmentFieldType.Uuid => TryGetString(value, out var s) && Guid.TryParseExact(s, "D", out var guid)
                    ? Ok(guid, out converted)
                    : "must be a UUID string such as \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"",
                SegmentFieldType.Text => value.ValueKind != JsonValueKind.String ? $"must be a string of at most {MaxTextLength} characters"
                    : !TryGetString(value, out var s) || !Text.IsStorable(s) ? Text.NotStorable
                    : s.Length > MaxTextLength ? $"must be at most {MaxTextLength} characters"
                    : Ok(s, out converted),
                SegmentFieldType.TextEnum => TryGetString(value, out var s) && field.AllowedValues.Contains(s, StringComparer.Ordinal)
                    ? Ok(s, out converted)
                    : $"must be one of: {string.Join(", ", field.AllowedValues)}",
                SegmentFieldType.WholeNumber => TryWhole(value, out var whole)
                    ? Ok(whole, out converted)
                    : "must be a whole number within 64 bits",
                SegmentFieldType.Numeric => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
                    ? Ok(number, out converted)
                    : "must be a number",
                SegmentFieldType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? Ok(value.GetBoolean(), out converted)
                    : "must be true or false",
                SegmentFieldType.Date => TryGetString(value, out var s) && TryDate(s, out var date)
                    ? Ok(date, out converted)
                    : "must be a date \"YYYY-MM-DD\"",
                SegmentFieldType.Timestamp => TryGetString(value, out var s) && TryTimestamp(s, out var timestamp)
                    ? Ok(timestamp, out converted)
                    : IsoTimestamp.Expected,
                _ => throw new InvalidOperationException($"No values for {field.Type}."),
            };
            if (message is null)
            {
                return true;
            }

            Error(path, message);
            return false;
        }

        private string Parameter(NpgsqlDbType type, object value)
        {
            var name = "p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
            _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            return "@" + name;
        }

        private void Error(string path, string message)
        {
            if (_stopped)
            {
                return;
            }

            if (_errors == MaxErrors)
            {
                errors.Add("", $"has more than {MaxErrors} errors; the first {MaxErrors} are reported");
                _stopped = true;
                return;
            }

            _errors++;
            errors.Add(path, message);
        }

        // A key that reads as a name goes into the path (".colour"); anything else is reported on the node, unquoted.
        private void KeyError(string path, string key, string message)
        {
            var plain = key.Length is > 0 and <= 64 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (plain)
            {
                Error($"{path}.{key}", message);
            }
            else
            {
                Error(path, "has a key that " + message);
            }
        }
    }

    private static string? Ok<T>(T value, out object converted)
        where T : notnull
    {
        converted = value;
        return null;
    }

    private static NpgsqlDbType ScalarType(SegmentFieldType type) => type switch
    {
        SegmentFieldType.Uuid => NpgsqlDbType.Uuid,
        SegmentFieldType.Text or SegmentFieldType.TextEnum => NpgsqlDbType.Text,
        SegmentFieldType.WholeNumber => NpgsqlDbType.Bigint,
        SegmentFieldType.Numeric => NpgsqlDbType.Numeric,
        SegmentFieldType.Boolean => NpgsqlDbType.Boolean,
        SegmentFieldType.Date => NpgsqlDbType.Date,
        SegmentFieldType.Timestamp => NpgsqlDbType.TimestampTz,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static bool TryGetString(JsonElement value, out string text)
    {
        text = "";
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // an escaped unpaired surrogate, which no UTF-16 string may hold as text
        }
    }

    // Integral JSON numbers, written as 12, 12.0 or 1.2e1, within 64 bits.
    private static bool TryWhole(JsonElement value, out long whole)
    {
        whole = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number) || !decimal.IsInteger(number)
            || number < long.MinValue || number > long.MaxValue)
        {
            return false;
        }

        whole = (long)number;
        return true;
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    // The platform's one timestamp grammar (offset or Z required); a date alone is a Date field's value, not a moment.
    private static bool TryTimestamp(string text, out DateTimeOffset timestamp) => IsoTimestamp.TryParse(text, out timestamp);

    // A name from the request as an error message may show it: at most 64 characters, control characters replaced.
    private static string Shown(string name)
    {
        var shown = name.Length > 64 ? name[..64] + "…" : name;
        return string.Create(shown.Length, shown, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}

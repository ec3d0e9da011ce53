using System.Collections.Frozen;

namespace Segmentation.Features.Segments;

/// <summary>The comparison a condition makes; rules spell it in snake_case (<see cref="RuleOperators.Name"/>).</summary>
public enum RuleOperator
{
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    In,
    NotIn,
    IsNull,
    IsNotNull,
    StartsWith,
    WithinLastDays,
}

/// <summary>Operator names and which field types each applies to.</summary>
public static class RuleOperators
{
    // Ordering comparisons only where order means something to a marketer and does not depend on a collation:
    // numbers and time. Text is compared for equality, lists and prefixes only.
    private static readonly FrozenDictionary<SegmentFieldType, RuleOperator[]> Allowed = new Dictionary<SegmentFieldType, RuleOperator[]>
    {
        [SegmentFieldType.Uuid] = [RuleOperator.Eq, RuleOperator.Ne, RuleOperator.In, RuleOperator.NotIn, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.Text] = [RuleOperator.Eq, RuleOperator.Ne, RuleOperator.In, RuleOperator.NotIn, RuleOperator.StartsWith, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.TextEnum] = [RuleOperator.Eq, RuleOperator.Ne, RuleOperator.In, RuleOperator.NotIn, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.WholeNumber] = [.. Ordered, RuleOperator.In, RuleOperator.NotIn, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.Numeric] = [.. Ordered, RuleOperator.In, RuleOperator.NotIn, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.Boolean] = [RuleOperator.Eq, RuleOperator.Ne, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.Date] = [.. Ordered, RuleOperator.In, RuleOperator.NotIn, RuleOperator.WithinLastDays, RuleOperator.IsNull, RuleOperator.IsNotNull],
        [SegmentFieldType.Timestamp] = [.. Ordered, RuleOperator.WithinLastDays, RuleOperator.IsNull, RuleOperator.IsNotNull],
    }.ToFrozenDictionary(a => a.Key, a => a.Value.Order().ToArray()); // listed in one order for every type

    private static readonly FrozenDictionary<string, RuleOperator> ByName = Enum.GetValues<RuleOperator>().ToFrozenDictionary(Name, StringComparer.Ordinal);

    private static RuleOperator[] Ordered => [RuleOperator.Eq, RuleOperator.Ne, RuleOperator.Gt, RuleOperator.Gte, RuleOperator.Lt, RuleOperator.Lte, RuleOperator.Between];

    /// <summary>Every operator name, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<RuleOperator>().Select(Name).ToArray();

    /// <summary>The name rules use for <paramref name="op"/>, e.g. <c>not_in</c>.</summary>
    public static string Name(RuleOperator op) => op switch
    {
        RuleOperator.Eq => "eq",
        RuleOperator.Ne => "ne",
        RuleOperator.Gt => "gt",
        RuleOperator.Gte => "gte",
        RuleOperator.Lt => "lt",
        RuleOperator.Lte => "lte",
        RuleOperator.Between => "between",
        RuleOperator.In => "in",
        RuleOperator.NotIn => "not_in",
        RuleOperator.IsNull => "is_null",
        RuleOperator.IsNotNull => "is_not_null",
        RuleOperator.StartsWith => "starts_with",
        RuleOperator.WithinLastDays => "within_last_days",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Finds an operator by its exact name.</summary>
    public static bool TryParse(string name, out RuleOperator op) => ByName.TryGetValue(name, out op);

    /// <summary>The operators a field of <paramref name="type"/> accepts.</summary>
    public static IReadOnlyList<RuleOperator> AllowedFor(SegmentFieldType type) => Allowed[type];

    /// <summary>Whether a field of <paramref name="type"/> accepts <paramref name="op"/>.</summary>
    public static bool IsAllowed(RuleOperator op, SegmentFieldType type) => Array.IndexOf(Allowed[type], op) >= 0;
}

using System.Collections.Frozen;

namespace Segmentation.Features.Segments;

/// <summary>What kind of value a segment field holds; decides which operators and values a rule may use.</summary>
public enum SegmentFieldType
{
    /// <summary>PostgreSQL <c>uuid</c>; values are GUID strings.</summary>
    Uuid,

    /// <summary>PostgreSQL <c>text</c>; values are strings of at most <see cref="RuleCompiler.MaxTextLength"/> characters.</summary>
    Text,

    /// <summary>PostgreSQL <c>text</c> holding one of a fixed set of values (<see cref="SegmentField.AllowedValues"/>).</summary>
    TextEnum,

    /// <summary>PostgreSQL <c>integer</c> or <c>bigint</c>; values are whole JSON numbers within 64 bits.</summary>
    WholeNumber,

    /// <summary>PostgreSQL <c>numeric</c>; values are JSON numbers (read as <see cref="decimal"/>).</summary>
    Numeric,

    /// <summary>PostgreSQL <c>boolean</c>; values are JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>PostgreSQL <c>date</c>; values are <c>"YYYY-MM-DD"</c>.</summary>
    Date,

    /// <summary>PostgreSQL <c>timestamptz</c>; values follow the platform's one timestamp grammar: ISO 8601 with an offset or Z.</summary>
    Timestamp,
}

/// <summary>
/// One field a segment rule may test. <see cref="Column"/> is the only text of it that reaches SQL: a constant of this
/// whitelist, never the name a rule sent.
/// </summary>
public sealed record SegmentField
{
    /// <summary>The name rules use (snake_case, the same as the column's).</summary>
    public required string Name { get; init; }

    /// <summary>The column on the caller's <c>segment_base b</c> view, qualified: <c>b.&lt;name&gt;</c>.</summary>
    public required string Column { get; init; }

    /// <summary>The kind of value.</summary>
    public required SegmentFieldType Type { get; init; }

    /// <summary>The values a <see cref="SegmentFieldType.TextEnum"/> field may take; empty for other types.</summary>
    public required IReadOnlyList<string> AllowedValues { get; init; }

    /// <summary>Whether the column may be NULL (every field may: prospects have no purchases and no scores).</summary>
    public bool Nullable { get; init; } = true;

    /// <summary>One line for the marketer.</summary>
    public required string Description { get; init; }
}

/// <summary>How the fields endpoint describes one field: its name, type, operators and, for enums, the values.</summary>
public sealed record SegmentFieldDescription(
    string Name,
    string Type,
    bool Nullable,
    IReadOnlyList<string>? Values,
    IReadOnlyList<string> Operators,
    string Description);

/// <summary>
/// The whitelist of fields segment rules may test. Rules name a field; the compiler looks the name up here
/// (exact, case-sensitive) and writes this list's <see cref="SegmentField.Column"/>, so a name from a request is never
/// interpolated into SQL.
/// </summary>
public static class SegmentFields
{
    /// <summary>Every field, in the order the fields endpoint lists them.</summary>
    public static IReadOnlyList<SegmentField> All { get; } =
    [
        // customer
        Field("customer_id", SegmentFieldType.Uuid, "The customer's id."),
        Field("lifecycle", SegmentFieldType.TextEnum, "Whether the person has bought yet.", "prospect", "customer"),
        Field("gender", SegmentFieldType.TextEnum, "Gender as given by the customer.", "female", "male", "other"),
        Field("birth_year", SegmentFieldType.WholeNumber, "Year of birth."),
        Field("country", SegmentFieldType.Text, "Country, ISO 3166-1 alpha-2 in capitals (e.g. \"DE\")."),
        Field("region", SegmentFieldType.Text, "Region within the country."),
        Field("join_date", SegmentFieldType.Date, "Day the customer joined."),
        Field("acquisition_channel", SegmentFieldType.Text, "Channel the customer was acquired through."),
        Field("acquisition_campaign", SegmentFieldType.Text, "Campaign the customer was acquired by."),
        Field("consent_email", SegmentFieldType.Boolean, "Consent to e-mail; null when never asked."),
        Field("consent_sms", SegmentFieldType.Boolean, "Consent to SMS; null when never asked."),
        Field("consent_mail", SegmentFieldType.Boolean, "Consent to direct mail; null when never asked."),
        Field("consent_phone", SegmentFieldType.Boolean, "Consent to phone calls; null when never asked."),

        // purchases
        Field("orders_count", SegmentFieldType.WholeNumber, "Orders placed (returns not counted)."),
        Field("returns_count", SegmentFieldType.WholeNumber, "Returns."),
        Field("purchase_days", SegmentFieldType.WholeNumber, "Distinct days with a purchase."),
        Field("gross_revenue", SegmentFieldType.Numeric, "Gross amount of orders, returns subtracted."),
        Field("net_revenue", SegmentFieldType.Numeric, "Gross amount less discounts, returns subtracted."),
        Field("discount_total", SegmentFieldType.Numeric, "Discounts given."),
        Field("margin", SegmentFieldType.Numeric, "Net revenue less known costs."),
        Field("average_order_value", SegmentFieldType.Numeric, "Net revenue per order."),
        Field("discounted_share", SegmentFieldType.Numeric, "Share of orders bought with a discount (0 to 1)."),
        Field("first_purchase_at", SegmentFieldType.Timestamp, "First order."),
        Field("last_purchase_at", SegmentFieldType.Timestamp, "Latest order."),
        Field("tenure_days", SegmentFieldType.WholeNumber, "Days from the first order to the scoring date."),

        // scores and models
        Field("recency_score", SegmentFieldType.WholeNumber, "RFM recency score."),
        Field("frequency_score", SegmentFieldType.WholeNumber, "RFM frequency score."),
        Field("monetary_score", SegmentFieldType.WholeNumber, "RFM monetary score."),
        Field("rfm_cell", SegmentFieldType.Text, "RFM cell, the three scores as digits (e.g. \"545\")."),
        Field("value_tier", SegmentFieldType.TextEnum, "Value tier: top 10%, middle, bottom.", "top", "middle", "bottom"),
        Field("deal_seeker", SegmentFieldType.Boolean, "Buys mostly on promotion."),
        Field("p_alive", SegmentFieldType.Numeric, "Probability the customer is still active (BG/NBD)."),
        Field("expected_purchases", SegmentFieldType.Numeric, "Expected purchases over the model's horizon (BG/NBD)."),
        Field("expected_spend", SegmentFieldType.Numeric, "Expected spend per order (Gamma-Gamma)."),
        Field("clv", SegmentFieldType.Numeric, "Predicted customer lifetime value."),
        Field("clv_economics", SegmentFieldType.Numeric, "Lifetime value from retention, costs and discount rate."),
        Field("churn_risk", SegmentFieldType.TextEnum, "Churn risk band.", "low", "medium", "high"),
    ];

    private static readonly FrozenDictionary<string, SegmentField> ByName = All.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Finds a field by its exact name.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SegmentField? field) =>
        ByName.TryGetValue(name, out field);

    /// <summary>The name of <paramref name="type"/> as the API shows it.</summary>
    public static string TypeName(SegmentFieldType type) => type switch
    {
        SegmentFieldType.Uuid => "uuid",
        SegmentFieldType.Text => "text",
        SegmentFieldType.TextEnum => "enum",
        SegmentFieldType.WholeNumber => "integer",
        SegmentFieldType.Numeric => "numeric",
        SegmentFieldType.Boolean => "boolean",
        SegmentFieldType.Date => "date",
        SegmentFieldType.Timestamp => "timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The whitelist as the fields endpoint returns it: every field with its type, operators and values.</summary>
    public static IReadOnlyList<SegmentFieldDescription> Describe() =>
        All.Select(f => new SegmentFieldDescription(
                f.Name,
                TypeName(f.Type),
                f.Nullable,
                f.Type == SegmentFieldType.TextEnum ? f.AllowedValues : null,
                RuleOperators.AllowedFor(f.Type).Select(RuleOperators.Name).ToArray(),
                f.Description))
            .ToArray();

    /// <summary>The closest field name to <paramref name="name"/> when it looks like a typo (or a different case).</summary>
    internal static string? Closest(string name)
    {
        if (name.Length > 64)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var field in All)
        {
            var distance = Distance(name.ToLowerInvariant(), field.Name);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (field.Name, distance);
            }
        }

        return bestDistance <= Math.Max(1, best!.Length / 4) ? best : null;
    }

    private static SegmentField Field(string name, SegmentFieldType type, string description, params string[] values) => new()
    {
        Name = name,
        Column = "b." + name,
        Type = type,
        AllowedValues = values,
        Description = description,
    };

    // Levenshtein distance, two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

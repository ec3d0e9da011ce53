using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>
/// Reading the services' JSON without their types (the gateway references no service): a missing property, a JSON null
/// and a value of another kind all read as null.
/// </summary>
public static class JsonRead
{
    /// <summary>The property <paramref name="name"/> of an object, null when absent or JSON null.</summary>
    public static JsonElement? Prop(this JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>The property <paramref name="name"/> of an object, null when absent or JSON null.</summary>
    public static JsonElement? Prop(this JsonElement element, string name) => ((JsonElement?)element).Prop(name);

    public static string? Text(this JsonElement? element, string name) => element.Prop(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static double? Number(this JsonElement? element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) ? d : null;

    public static long? Whole(this JsonElement? element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var l) ? l : null;

    public static bool? Flag(this JsonElement? element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;

    public static DateTimeOffset? Time(this JsonElement? element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.String } v && v.TryGetDateTimeOffset(out var t) ? t : null;

    /// <summary>The items of an array property; empty when absent or not an array.</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement? element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray() : [];
}

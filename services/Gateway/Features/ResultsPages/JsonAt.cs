using System.Globalization;
using System.Text.Json;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// A value of a JSON document together with its JSON Path (RFC 6901), so every figure a page shows can name where it
/// came from (<c>data-path</c>) and carry the value exactly as the API answered it (<c>data-value</c>). A missing
/// property or a JSON null is a <see cref="JsonAt"/> whose <see cref="Element"/> is null.
/// </summary>
public readonly record struct JsonAt(JsonElement? Element, string Path)
{
    /// <summary>The document's root under the path <paramref name="path"/> ("" for the whole document).</summary>
    public static JsonAt Root(JsonElement? element, string path = "") => new(element is { ValueKind: not JsonValueKind.Null } e ? e : null, path);

    public bool Exists => Element is not null;

    /// <summary>The property <paramref name="name"/> (absent when this is not an object or lacks it).</summary>
    public JsonAt this[string name] =>
        new(Element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null,
            Path + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    /// <summary>The items of an array, each with its path; none when this is not an array.</summary>
    public IEnumerable<JsonAt> Items()
    {
        if (Element is not { ValueKind: JsonValueKind.Array } array)
        {
            yield break;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            yield return new JsonAt(item.ValueKind == JsonValueKind.Null ? null : item, Path + "/" + i.ToString(CultureInfo.InvariantCulture));
            i++;
        }
    }

    /// <summary>The number, null when absent or not a number.</summary>
    public double? Number => Element is { ValueKind: JsonValueKind.Number } e && e.TryGetDouble(out var d) ? d : null;

    /// <summary>The text, null when absent or not a string.</summary>
    public string? Text => Element is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    /// <summary>True only for JSON true.</summary>
    public bool IsTrue => Element is { ValueKind: JsonValueKind.True };

    /// <summary>The value as the API wrote it ("" when absent): what a <c>data-value</c> attribute carries.</summary>
    public string Raw => Element is { } e ? (e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()) : "";
}

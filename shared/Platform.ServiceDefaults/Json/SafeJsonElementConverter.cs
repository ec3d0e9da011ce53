using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Json;

/// <summary>
/// Reads a <see cref="JsonElement"/> (free-form JSON such as segment rules and customer attributes) as usual,
/// duplicate keys refused per the options, then checks every string and property name in it with
/// <see cref="Text.IsStorable"/>: an element is stored as <c>jsonb</c>, which refuses <c>\u0000</c>, and its strings
/// become SQL parameters. The bad string's path inside the element goes to <see cref="StrictJson.InnerPathKey"/>.
/// </summary>
internal sealed class SafeJsonElementConverter : JsonConverter<JsonElement>
{
    private static readonly JsonConverter<JsonElement> Default = JsonMetadataServices.JsonElementConverter;

    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = Default.Read(ref reader, typeToConvert, options);
        if (Find(element, "") is { } bad)
        {
            var exception = new JsonException(bad.Problem);
            exception.Data[StrictJson.InnerPathKey] = bad.Path;
            throw exception;
        }

        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    /// <summary>The first unsafe string in <paramref name="element"/> and its path (<c>a.b[2]</c>), or null.</summary>
    internal static (string Path, string Problem)? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return ProblemOf(element.GetString) is { } problem ? (path, problem) : null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]") is { } found)
                    {
                        return found;
                    }

                    i++;
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = "";
                    if (ProblemOf(() => name = property.Name) is { } nameProblem)
                    {
                        return (path, nameProblem);
                    }

                    if (Find(property.Value, path.Length == 0 ? name : path + "." + name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? ProblemOf(Func<string?> read)
    {
        try
        {
            return read() is { } text && !Text.IsStorable(text) ? Text.NotStorable : null;
        }
        catch (InvalidOperationException)
        {
            return StrictJson.InvalidUnicode;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Json;

/// <summary>
/// Reads strings, values and dictionary keys alike, refusing what <see cref="Text.IsStorable"/> refuses. System.Text.Json
/// already refuses an escaped unpaired surrogate (<c>"\ud800"</c>) and invalid UTF-8, but with a message about .NET
/// types; NUL (<c>"\u0000"</c>) it accepts, and PostgreSQL would then fail the write.
/// </summary>
internal sealed class SafeStringConverter : JsonConverter<string>
{
    private static readonly JsonConverter<string?> Default = JsonMetadataServices.StringConverter;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Checked(ref reader) : Default.Read(ref reader, typeToConvert, options);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value);
    }

    private static string Checked(ref Utf8JsonReader reader)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonException(StrictJson.InvalidUnicode);
        }

        return Text.IsStorable(text) ? text : throw new JsonException(Text.NotStorable);
    }
}

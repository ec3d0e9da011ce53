using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// Reads every <see cref="DateTimeOffset"/> of a request body with the platform's one grammar (<see cref="IsoTimestamp"/>),
/// so a body field typed as a timestamp accepts exactly what a CSV cell or a string field does (System.Text.Json alone
/// would take a timestamp without offset as the server's local time). Writes the round-trip ISO 8601 form.
/// </summary>
public sealed class IsoTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // A token that is not a string, or a string that is not one of our timestamps, is refused naming the field.
        if (reader.TokenType != JsonTokenType.String || !IsoTimestamp.TryParse(reader.GetString(), out var utc))
        {
            throw new JsonException($"The value {IsoTimestamp.Expected}.");
        }

        return utc;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

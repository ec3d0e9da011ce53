using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.Json;

/// <summary>
/// The one place where request JSON is made strict, applied by <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>
/// to every service's minimal APIs: a property the target type does not have, a key given twice (in objects,
/// dictionaries and <see cref="JsonElement"/> trees alike), and a string (value or dictionary key) holding NUL, an
/// unpaired surrogate or invalid UTF-8 are each refused with a <see cref="JsonException"/>, which
/// <see cref="BadRequestExceptionHandler"/> turns into a 400 naming the field by its JSON path.
/// </summary>
public static class StrictJson
{
    /// <summary>
    /// Key of <see cref="Exception.Data"/> holding the path of a bad string inside a <see cref="JsonElement"/>
    /// (e.g. <c>and[0].value</c>), relative to the property the element was bound to.
    /// </summary>
    public const string InnerPathKey = "StrictJson.InnerPath";

    /// <summary>The problem reported for a string System.Text.Json cannot decode (an escaped unpaired surrogate, bytes that are not UTF-8).</summary>
    public const string InvalidUnicode = "must be valid Unicode text (no unpaired surrogate such as \\ud800, no invalid UTF-8)";

    /// <summary>Makes <paramref name="options"/> strict (see the type's summary).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.Converters.Insert(0, new SafeStringConverter());
        options.Converters.Insert(1, new SafeJsonElementConverter());
        return options;
    }

    /// <summary>
    /// OpenAPI schema transformer: the document generator describes a type read by a custom converter as "any value",
    /// so without this every string of every request would lose its <c>type: string</c>. Restores it (with
    /// <c>null</c> when the property may be null).
    /// </summary>
    public static Task DescribeStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
        {
            var nullable = context.JsonPropertyInfo is { } property && (property.IsSetNullable || property.IsGetNullable);
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        return Task.CompletedTask;
    }
}

using System.Text.Json;

namespace Deploy.Tests.Kubernetes;

/// <summary>One rendered Kubernetes object, with what the schema validation said about it.</summary>
public sealed record ManifestDocument(string? ApiVersion, string? Kind, string? Name, IReadOnlyList<string> Errors, JsonElement Content)
{
    public override string ToString() => $"{Kind} {Name}";

    /// <summary>The value at a path of property names and array indexes (e.g. "spec", "template", "spec"), or null.</summary>
    public JsonElement? At(params object[] path)
    {
        var current = Content;
        foreach (var step in path)
        {
            switch (step)
            {
                case string name when current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var child):
                    current = child;
                    break;
                case int index when current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength():
                    current = current[index];
                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    /// <summary>The string at a path, or null.</summary>
    public string? Text(params object[] path) => At(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}

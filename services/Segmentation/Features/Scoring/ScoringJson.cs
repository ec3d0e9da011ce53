using System.Text.Json;

namespace Segmentation.Features.Scoring;

/// <summary>How settings and model parameters are stored in jsonb: the API's camelCase names.</summary>
public static class ScoringJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reading).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

using System.Text.Json;

namespace Campaigns.Features.Design;

/// <summary>
/// How a <see cref="CampaignDesign"/> is kept in <c>campaigns.design</c> (jsonb): the web defaults (camelCase, read
/// case-insensitively), the same shape the API shows. Every reader of the column uses these options.
/// </summary>
public static class CampaignDesignJson
{
    /// <summary>The options the column is written and read with.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The design as stored.</summary>
    public static string Serialize(CampaignDesign design) => JsonSerializer.Serialize(design, Options);

    /// <summary>A stored design.</summary>
    public static CampaignDesign Deserialize(string json) =>
        JsonSerializer.Deserialize<CampaignDesign>(json, Options) ?? throw new JsonException("campaigns.design holds null");
}

using System.Text.Json;
using Campaigns.Features.Design;

namespace Campaigns.Features.Dispatch;

/// <summary>Reads the stored design (<c>campaigns.design</c>, written with the web defaults of System.Text.Json).</summary>
public static class DesignJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The design in <paramref name="json"/>.</summary>
    public static CampaignDesign Read(string json) => JsonSerializer.Deserialize<CampaignDesign>(json, Json)
        ?? throw new InvalidOperationException("The stored campaign design is null.");

    /// <summary>The design's waves, or the one wave starting at <paramref name="launchedAt"/> when it has none.</summary>
    public static IReadOnlyList<Platform.Contracts.Campaigns.CampaignWave> WavesOf(CampaignDesign design, DateTimeOffset launchedAt)
    {
        ArgumentNullException.ThrowIfNull(design);
        return design.Waves.Count > 0 ? design.Waves : [new Platform.Contracts.Campaigns.CampaignWave { Number = 1, Share = 1, StartsAt = launchedAt }];
    }
}

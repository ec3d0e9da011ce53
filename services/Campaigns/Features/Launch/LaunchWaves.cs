using System.Text.Json;
using Campaigns.Features.Design;
using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Launch;

/// <summary>The waves a launch runs: the design's, in order, or one wave holding everyone when it has none.</summary>
public static class LaunchWaves
{
    /// <summary>
    /// Waves of a campaign launched at <paramref name="launchedAt"/>: a design without waves gets one wave of share 1
    /// starting at launch; a wave whose start had passed when the launch was asked for starts at launch rather than in
    /// the past (what Measurement counts control members from).
    /// </summary>
    public static IReadOnlyList<CampaignWave> Materialize(IReadOnlyList<CampaignWave> designed, DateTimeOffset launchedAt)
    {
        ArgumentNullException.ThrowIfNull(designed);
        if (designed.Count == 0)
        {
            return [new CampaignWave { Number = 1, Share = 1.0, StartsAt = launchedAt }];
        }

        return [.. designed.OrderBy(w => w.Number).Select(w => w.StartsAt < launchedAt ? w with { StartsAt = launchedAt } : w)];
    }

    /// <summary>Waves as kept in <c>campaigns.launched_waves</c> (the design's JSON options).</summary>
    public static string Serialize(IReadOnlyList<CampaignWave> waves) => JsonSerializer.Serialize(waves, CampaignDesignJson.Options);

    /// <summary>Waves kept in <c>campaigns.launched_waves</c>.</summary>
    public static IReadOnlyList<CampaignWave> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<CampaignWave>>(json, CampaignDesignJson.Options) ?? throw new JsonException("campaigns.launched_waves holds null");
}

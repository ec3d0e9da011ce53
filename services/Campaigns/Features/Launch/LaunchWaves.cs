using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Launch;

/// <summary>The waves a launch runs: the design's, in order, or one wave holding everyone when it has none.</summary>
public static class LaunchWaves
{
    /// <summary>
    /// Waves as launched at <paramref name="now"/>: a design without waves gets one wave of share 1 starting now; a
    /// wave whose start has passed (the launch came late) starts now rather than in the past, so no step is due before
    /// its members were assigned.
    /// </summary>
    public static IReadOnlyList<CampaignWave> Materialize(IReadOnlyList<CampaignWave> designed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(designed);
        if (designed.Count == 0)
        {
            return [new CampaignWave { Number = 1, Share = 1.0, StartsAt = now }];
        }

        return [.. designed.OrderBy(w => w.Number).Select(w => w.StartsAt < now ? w with { StartsAt = now } : w)];
    }
}

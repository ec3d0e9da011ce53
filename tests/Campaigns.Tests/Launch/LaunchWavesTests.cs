using Campaigns.Features.Launch;
using Platform.Contracts.Campaigns;

namespace Campaigns.Tests.Launch;

public sealed class LaunchWavesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Materialize_WithoutWaves_GivesOneWaveOfEveryoneStartingNow()
    {
        var wave = Assert.Single(LaunchWaves.Materialize([], Now));
        Assert.Equal(new CampaignWave { Number = 1, Share = 1.0, StartsAt = Now }, wave);
    }

    [Fact]
    public void Materialize_MovesPastStartsToNow_KeepsFutureOnes_InNumberOrder()
    {
        var deadline = Now.AddDays(30);
        var waves = LaunchWaves.Materialize(
        [
            new CampaignWave { Number = 2, Share = 0.5, StartsAt = Now.AddDays(7), OfferDeadline = deadline },
            new CampaignWave { Number = 1, Share = 0.5, StartsAt = Now.AddDays(-1), OfferDeadline = deadline },
        ], Now);

        Assert.Equal([1, 2], waves.Select(w => w.Number));
        Assert.Equal(Now, waves[0].StartsAt);
        Assert.Equal(Now.AddDays(7), waves[1].StartsAt);
        Assert.All(waves, w => Assert.Equal(deadline, w.OfferDeadline));
    }
}

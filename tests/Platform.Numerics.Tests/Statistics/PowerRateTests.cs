using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>
/// Moved with the rate power from Campaigns' plan preview. Reference values computed independently of MathNet, in Python with <c>statistics.NormalDist</c> (z(0.975) =
/// 1.9599639845400536, z(0.8) = 0.8416212335729144) and a 300-step bisection of
/// <c>δ − z(0.975)·√(p̄(1−p̄)(1/n_c+1/n_t)) − z(0.8)·√(p0(1−p0)/n_c + p1(1−p1)/n_t)</c>, and checked against Fleiss' table.
/// </summary>
public sealed class PowerRateTests
{
    [Fact]
    public void EqualGroups_TenVersusFifteenPercent_NeedFleissSampleSize()
    {
        // By hand: p̄ = 0.125; (1.959964·√(2·0.125·0.875) + 0.841621·√(0.09 + 0.1275)) / 0.05 = 26.1839; squared 685.60,
        // Fleiss, Levin & Paik's table (no continuity correction) gives 686 per group.
        var n = Power.RateSizePerArm(0.10, 0.05, 0.8, 0.05);

        Assert.Equal(685.5968583253607, n, 1e-9);
        Assert.Equal(686, Math.Ceiling(n));
    }

    [Fact]
    public void MinimumDetectableLift_OfThoseGroups_IsTheLiftTheyWereSizedFor()
    {
        var lift = Power.MinimumDetectableRateLift(0.10, 685.5968583253607, 685.5968583253607, 0.8, 0.05);

        Assert.NotNull(lift);
        Assert.Equal(0.05, lift.Value, 1e-9);
        Assert.Equal(0.8, Power.RatePower(0.10, 0.05, 685.5968583253607, 685.5968583253607, 0.05), 1e-9);
    }

    [Fact]
    public void MinimumDetectableLift_UnequalGroups_MatchesReference()
    {
        // 2% baseline, 10,000 control against 40,000 treated. A rough check by hand with p0's variance on both sides:
        // 2.8016·√(0.0196·(1/10000 + 1/40000)) = 0.00439; the treated rate's larger variance makes it a little more.
        var lift = Power.MinimumDetectableRateLift(0.02, 10_000, 40_000, 0.8, 0.05);

        Assert.NotNull(lift);
        Assert.Equal(0.004683552487497909, lift.Value, 1e-9);
    }

    [Fact]
    public void MinimumDetectableLift_IsNull_WhenNothingIsDetectable()
    {
        Assert.Null(Power.MinimumDetectableRateLift(0.02, 1, 1, 0.8, 0.05));
        Assert.Null(Power.MinimumDetectableRateLift(0.02, 0, 1_000, 0.8, 0.05));
    }

    [Fact]
    public void ControlShareNeeded_MatchesReference_AndIsNullWhenAnEvenSplitIsNotEnough()
    {
        Assert.Equal(0.2920941611785565, Power.ControlShareNeeded(0.05, 0.01, 20_000, 0.8, 0.05)!.Value, 1e-9);
        Assert.Null(Power.ControlShareNeeded(0.05, 0.01, 1_000, 0.8, 0.05));
    }

    [Fact]
    public void ControlSizeNeeded_MatchesReference_AndIsNullWhenTheTreatedGroupIsTooSmall()
    {
        Assert.Equal(6959.527082657876, Power.ControlSizeNeeded(0.05, 0.01, 10_000, 0.8, 0.05)!.Value, 1e-6);
        Assert.Null(Power.ControlSizeNeeded(0.05, 0.01, 500, 0.8, 0.05));
    }
}

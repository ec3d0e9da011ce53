using Campaigns.Features.Assignment;

namespace Campaigns.Tests.Assignment;

public sealed class AssignmentHashTests
{
    [Fact]
    public void Draw_IsTheSameForTheSameInput_AndDiffersWithTheSalt()
    {
        var salt = Guid.Parse("0196a3b2-1111-7abc-8def-0123456789ab");
        var customer = Guid.Parse("fedcba98-7654-3210-0123-456789abcdef");

        Assert.Equal(0.6298258601122171, AssignmentHash.Draw(salt, customer)); // computed by PostgreSQL with SqlExpression
        Assert.Equal(AssignmentHash.Draw(salt, customer), AssignmentHash.Draw(salt, customer));
        Assert.NotEqual(AssignmentHash.Draw(salt, customer), AssignmentHash.Draw(AssignmentHash.WaveSalt(salt), customer));
    }

    [Fact]
    public void Draws_AreUniformOnTheUnitInterval()
    {
        var salt = Guid.NewGuid();
        var bins = new int[10];
        const int N = 100_000;
        for (var i = 0; i < N; i++)
        {
            var u = AssignmentHash.Draw(salt, Guid.NewGuid());
            Assert.InRange(u, 0.0, 0.9999999999999999);
            bins[(int)(u * 10)]++;
        }

        // Chi-square with 9 degrees of freedom: 27.88 is its 0.999 quantile.
        var chi = bins.Sum(b => Math.Pow(b - N / 10.0, 2) / (N / 10.0));
        Assert.True(chi < 27.88, $"chi-square {chi:F1} over bins {string.Join(',', bins)}");
    }

    [Fact]
    public void Slot_FollowsTheCumulativeShares_AndTheLastBoundCoversRounding()
    {
        var bounds = AssignmentHash.CumulativeBounds([0.1, 0.2, 0.3, 0.4]);

        Assert.Equal(0, AssignmentHash.Slot(0.0, bounds));
        Assert.Equal(0, AssignmentHash.Slot(0.0999, bounds));
        Assert.Equal(1, AssignmentHash.Slot(0.1, bounds));
        Assert.Equal(3, AssignmentHash.Slot(0.9999999999999999, bounds));
        Assert.Equal(1.0, bounds[^1]);
    }
}

using Campaigns.Features.Assignment;
using MathNet.Numerics.Distributions;

namespace Campaigns.Tests.Launch;

/// <summary>
/// The draw a launch assigns by (the same in SQL, see the integration tests) gives each cell its designed share within
/// sampling error, over many launches.
/// </summary>
public sealed class AssignmentSharesTests
{
    [Fact]
    public void Shares_OverManyLaunches_AreWithinSamplingError()
    {
        double[] shares = [0.1, 0.2, 0.3, 0.4];
        var bounds = AssignmentHash.CumulativeBounds(shares);
        var random = new Random(9);
        var pooled = new double[shares.Length];
        var rejected = 0;
        const int Launches = 200;
        for (var launch = 0; launch < Launches; launch++)
        {
            var campaign = RandomGuid(random);
            var counts = new double[shares.Length];
            for (var i = 0; i < 2_000; i++)
            {
                counts[AssignmentHash.Slot(AssignmentHash.Draw(campaign, RandomGuid(random)), bounds)]++;
            }

            if (ChiSquareP(counts, shares) < 0.001)
            {
                rejected++;
            }

            for (var c = 0; c < shares.Length; c++)
            {
                pooled[c] += counts[c];
            }
        }

        Assert.True(ChiSquareP(pooled, shares) > 0.001, string.Join(", ", pooled));
        // At p < 0.001, about 0.2 of 200 launches are rejected by chance; 3 or more would happen with probability ~0.001.
        Assert.True(rejected < 3, $"{rejected} launches off their shares");
    }

    private static Guid RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static double ChiSquareP(double[] observed, double[] shares)
    {
        var n = observed.Sum();
        var statistic = observed.Select((o, i) => Math.Pow(o - n * shares[i], 2) / (n * shares[i])).Sum();
        return 1 - ChiSquared.CDF(observed.Length - 1, statistic);
    }
}

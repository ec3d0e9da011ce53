using Platform.Numerics.Statistics;

namespace Measurement.Tests;

public sealed class MomentsTests
{
    [Fact]
    public void Moments_OfWavesAdded_EqualMomentsOfTheWhole()
    {
        var a = new Moments(3, 6, 14, 3, 5, 9);
        var b = new Moments(2, 4, 10, 1, 1, 2);

        var sum = a + b;

        Assert.Equal(new Moments(5, 10, 24, 4, 6, 11), sum);
        Assert.Equal(2, sum.Mean);
        Assert.Equal((24 - (100.0 / 5)) / 4, sum.Variance, 12);
    }
}

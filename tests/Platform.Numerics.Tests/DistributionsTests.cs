using MathNet.Numerics.Distributions;

namespace Platform.Numerics.Tests;

/// <summary>
/// MathNet.Numerics supplies the distributions (Measurement's tests and intervals need them): a few textbook values
/// of the CDFs and quantiles, so a wrong package or a misread parameter order fails here.
/// </summary>
public sealed class DistributionsTests
{
    [Theory]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(0.0, 0.5)]
    [InlineData(-1.6448536269514729, 0.05)]
    public void StandardNormal_CdfAndQuantile_MatchTables(double z, double p)
    {
        Assert.Equal(p, Normal.CDF(0, 1, z), 1e-12);
        Assert.Equal(z, Normal.InvCDF(0, 1, p), 1e-9);
    }

    [Theory]
    [InlineData(10, 2.2281388519649385, 0.975)]
    [InlineData(1, 12.706204736174698, 0.975)]
    [InlineData(30, 1.6972608865939573, 0.95)]
    public void StudentT_CdfAndQuantile_MatchTables(double degreesOfFreedom, double t, double p)
    {
        Assert.Equal(p, StudentT.CDF(0, 1, degreesOfFreedom, t), 1e-10);
        Assert.Equal(t, StudentT.InvCDF(0, 1, degreesOfFreedom, p), 1e-7);
    }

    [Theory]
    [InlineData(1, 3.841458820694124, 0.95)]
    [InlineData(3, 7.814727903251178, 0.95)]
    [InlineData(10, 23.209251158954356, 0.99)]
    public void ChiSquared_CdfAndQuantile_MatchTables(double degreesOfFreedom, double x, double p)
    {
        Assert.Equal(p, ChiSquared.CDF(degreesOfFreedom, x), 1e-10);
        Assert.Equal(x, ChiSquared.InvCDF(degreesOfFreedom, p), 1e-7);
    }
}

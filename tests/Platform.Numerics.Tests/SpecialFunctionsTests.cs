using Platform.Numerics;

namespace Platform.Numerics.Tests;

public sealed class SpecialFunctionsTests
{
    // Reference values computed with mpmath at 30 digits.
    [Theory]
    [InlineData(1e-8, 18.420680738180208905, -100000000.57721564845)]
    [InlineData(0.1, 2.2527126517342059599, -10.423754940411076795)]
    [InlineData(0.5, 0.57236494292470008707, -1.9635100260214234794)]
    [InlineData(2.5, 0.28468287047291915963, 0.70315664064524318723)]
    [InlineData(7.3, 7.1478925230222490328, 1.9178203356379860984)]
    [InlineData(9.999, 12.799575780077412467, 2.2516474172057352559)]
    [InlineData(10, 12.801827480081469611, 2.2517525890667211076)]
    [InlineData(33.7, 84.002339460149248649, 3.5025876717332563464)]
    [InlineData(1000, 5905.2204232091812118, 6.9072551956488120521)]
    [InlineData(1e6, 12815504.56914761166, 13.815510057964190771)]
    public void LogGammaAndDigamma_MatchReferenceValues_ToAbout1e14Relative(double x, double logGamma, double digamma)
    {
        Assert.Equal(logGamma, SpecialFunctions.LogGamma(x), 2e-14 * Math.Max(1, Math.Abs(logGamma)));
        Assert.Equal(digamma, SpecialFunctions.Digamma(x), 2e-14 * Math.Max(1, Math.Abs(digamma)));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void LogGamma_AtItsRoots_IsZeroToRounding(double x) =>
        Assert.Equal(0.0, SpecialFunctions.LogGamma(x), 1e-14);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.8)]
    [InlineData(0.95)]
    [InlineData(0.999)]
    public void Hypergeometric2F1_OfOneOneTwo_IsMinusLogOneMinusZOverZ(double z)
    {
        var expected = z == 0 ? 1.0 : -Math.Log(1 - z) / z;
        Assert.Equal(expected, SpecialFunctions.Hypergeometric2F1(1, 1, 2, z), 1e-13 * expected);
    }

    [Theory]
    [InlineData(0.7, 2.5, 0.5)]
    [InlineData(3.0, 1.2, 0.95)]
    [InlineData(-0.4, 4.0, 0.9)]
    [InlineData(250.0, 251.0, 0.95)]
    public void Hypergeometric2F1_WithBEqualsC_IsOneMinusZToMinusA(double a, double b, double z)
    {
        var expected = Math.Pow(1 - z, -a);
        Assert.Equal(expected, SpecialFunctions.Hypergeometric2F1(a, b, b, z), 1e-13 * expected);
    }

    [Theory]
    [InlineData(2.243, 4.426, 4.219, 0.4740258161752194, 4.5753158976436893116)] // BG/NBD, FHL's example customer
    [InlineData(1.5, 2.25, 3.75, 0.95, 7.2042523030625853002)]
    [InlineData(-0.3, 0.7, 1.9, 0.5, 0.93754679704476578968)]
    [InlineData(2.3, 1.1, 0.6, -0.4, 0.15945470018179298986)]
    public void Hypergeometric2F1_MatchesReferenceValues(double a, double b, double c, double z, double expected) =>
        Assert.Equal(expected, SpecialFunctions.Hypergeometric2F1(a, b, c, z), 1e-13 * Math.Abs(expected));

    [Fact]
    public void Hypergeometric2F1_OutsideUnitDisc_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Hypergeometric2F1(1, 1, 2, 1.0));
}

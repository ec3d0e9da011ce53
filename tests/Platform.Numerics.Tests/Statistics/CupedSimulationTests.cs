using MathNet.Numerics.Distributions;
using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>
/// CUPED over 1,000 seeded experiments where this year's spend follows last year's (the covariate): the adjusted interval
/// is narrower, the adjusted estimate is unbiased, and the adjusted intervals still cover the true lift.
/// </summary>
public sealed class CupedSimulationTests
{
    private const int Runs = 1_000;
    private const int Units = 2_000;
    private const double TrueLift = 2.0;

    [Fact]
    public void Cuped_WhenTheCovariateCorrelates_NarrowsTheInterval_StaysUnbiased_AndCovers()
    {
        var random = new Random(301);
        int narrower = 0, covered = 0;
        double errors = 0, squaredErrors = 0, plainWidth = 0, cupedWidth = 0;
        for (var run = 0; run < Runs; run++)
        {
            var control = Arm(random, 0);
            var treatment = Arm(random, TrueLift);
            var plain = Comparisons.Means(control, treatment);
            var cuped = Comparisons.Cuped(control, treatment, isRate: false);
            narrower += Width(cuped) < Width(plain) ? 1 : 0;
            covered += cuped.AbsoluteInterval.Contains(TrueLift) ? 1 : 0;
            plainWidth += Width(plain);
            cupedWidth += Width(cuped);
            var error = cuped.Absolute - TrueLift;
            errors += error;
            squaredErrors += error * error;
        }

        Assert.True(narrower >= 990, $"CUPED was narrower in only {narrower} of {Runs}");
        Assert.True(cupedWidth < 0.8 * plainWidth, $"mean width {cupedWidth / Runs} against {plainWidth / Runs}");
        // Unbiased: the mean error lies within 3.3 standard errors of zero (two-sided 0.1%).
        var meanError = errors / Runs;
        var standardError = Math.Sqrt(((squaredErrors / Runs) - (meanError * meanError)) / (Runs - 1));
        Assert.True(Math.Abs(meanError) < 3.3 * standardError, $"mean error {meanError} (SE {standardError})");
        Assert.InRange(covered, 930, 970);
    }

    [Fact]
    public void Cuped_WhenTheCovariateIsNoise_ChangesLittle()
    {
        var random = new Random(302);
        var control = NoiseArm(random, 0);
        var treatment = NoiseArm(random, 1);

        var plain = Comparisons.Means(control, treatment);
        var cuped = Comparisons.Cuped(control, treatment, isRate: false);

        Assert.InRange(Width(cuped) / Width(plain), 0.99, 1.01);
    }

    [Fact]
    public void Cuped_OfRates_WithAConstantCovariate_IsTheTwoProportionZTest()
    {
        var control = new Moments(1_000, 50, 50, 1_000 * 3.0, 1_000 * 9.0, 50 * 3.0);
        var treatment = new Moments(1_200, 80, 80, 1_200 * 3.0, 1_200 * 9.0, 80 * 3.0);

        var cuped = Comparisons.Cuped(control, treatment, isRate: true);
        var rates = Comparisons.Rates(control, treatment);

        Assert.Equal(0, Comparisons.CupedAdjust(control, treatment, isRate: true).Theta);
        Assert.Equal(rates.Statistic, cuped.Statistic, 12);
        Assert.Equal(rates.AbsoluteInterval.Lower, cuped.AbsoluteInterval.Lower, 12);
        Assert.Equal(rates.PValue, cuped.PValue, 12);
    }

    // Last year's spend x (zero-heavy); this year's y = 0.7x + fresh spend + lift, so x explains much of y.
    private static Moments Arm(Random random, double lift)
    {
        double n = Units, sy = 0, syy = 0, sx = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < Units; i++)
        {
            var x = random.NextDouble() < 0.5 ? 0 : LogNormal.Sample(random, 3.5, 0.8);
            var y = (0.7 * x) + Normal.Sample(random, 5, 8) + lift;
            (sy, syy, sx, sxx, sxy) = (sy + y, syy + (y * y), sx + x, sxx + (x * x), sxy + (x * y));
        }

        return new Moments(n, sy, syy, sx, sxx, sxy);
    }

    private static Moments NoiseArm(Random random, double lift)
    {
        double sy = 0, syy = 0, sx = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < Units; i++)
        {
            var x = Normal.Sample(random, 0, 1);
            var y = Normal.Sample(random, 10, 3) + lift;
            (sy, syy, sx, sxx, sxy) = (sy + y, syy + (y * y), sx + x, sxx + (x * x), sxy + (x * y));
        }

        return new Moments(Units, sy, syy, sx, sxx, sxy);
    }

    private static double Width(Lift lift) => lift.AbsoluteInterval.Upper - lift.AbsoluteInterval.Lower;
}

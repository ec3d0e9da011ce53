using Measurement.Features.Calculator;
using Platform.Numerics.Statistics;
using Platform.ServiceDefaults;

namespace Measurement.Tests.Calculator;

public sealed class PowerAndSrmRequestTests
{
    [Fact]
    public void Power_ForRateSizes_GivesTheSharedMinimumDetectableLift()
    {
        var errors = new ValidationErrors();

        var input = PowerRequest.Validate(new PowerRequest { Metric = "rate", Baseline = 0.02, ControlSize = 10_000, TreatedSize = 40_000 }, errors);
        var answer = StatsCalculator.Power(input!);

        Assert.Equal(Power.MinimumDetectableRateLift(0.02, 10_000, 40_000), answer.MinimumDetectableLift);
        Assert.Equal(answer.MinimumDetectableLift / 0.02, answer.MinimumDetectableRelativeLift);
        Assert.Null(answer.SizePerArm);
    }

    [Fact]
    public void Power_ForAMeanLift_GivesTheSizePerArm()
    {
        var errors = new ValidationErrors();

        var answer = StatsCalculator.Power(PowerRequest.Validate(new PowerRequest { Metric = "mean", StandardDeviation = 50, Lift = 5, Power = 0.9 }, errors)!);

        Assert.Equal(Power.MeanSizePerArm(50, 5, 0.9), answer.SizePerArm);
        Assert.Null(answer.MinimumDetectableLift);
    }

    [Fact]
    public void Power_NamesEveryBadField()
    {
        var errors = new ValidationErrors();

        Assert.Null(PowerRequest.Validate(new PowerRequest { Metric = "rate", Baseline = 1.5, StandardDeviation = 3, ControlSize = -1, TreatedSize = 2.5, Power = 1, Alpha = 0 }, errors));

        Assert.Equal(["alpha", "baseline", "controlSize", "power", "standardDeviation", "treatedSize"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Power_RefusesBothSizesAndLift_AndAnUnknownMetric()
    {
        var both = new ValidationErrors();
        var neither = new ValidationErrors();

        Assert.Null(PowerRequest.Validate(new PowerRequest { Metric = "mean", StandardDeviation = 2, ControlSize = 10, TreatedSize = 10, Lift = 1 }, both));
        Assert.Null(PowerRequest.Validate(new PowerRequest { Metric = "ratio" }, neither));

        Assert.Equal(["lift"], both.ToDictionary().Keys);
        Assert.Equal(["controlSize", "metric"], neither.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Srm_FlagsAMismatch()
    {
        var errors = new ValidationErrors();

        var input = SrmRequest.Validate(new SrmRequest { Observed = [10_000, 10_500], Shares = [1, 1] }, errors);
        var answer = StatsCalculator.SampleRatioMismatch(input!.Value.Observed, input.Value.Shares);

        Assert.True(answer.Mismatch);
        Assert.Equal([10_250.0, 10_250.0], answer.Expected);
    }

    [Fact]
    public void Srm_NamesEveryBadItem()
    {
        var errors = new ValidationErrors();

        Assert.Null(SrmRequest.Validate(new SrmRequest { Observed = [10, -1, 2.5, null], Shares = [1, 0, -2] }, errors));

        Assert.Equal(["observed[1]", "observed[2]", "observed[3]", "shares[1]", "shares[2]"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Srm_RefusesOneGroup_MismatchedLengths_AndNothingObserved()
    {
        var one = new ValidationErrors();
        var lengths = new ValidationErrors();
        var nothing = new ValidationErrors();

        Assert.Null(SrmRequest.Validate(new SrmRequest { Observed = [10], Shares = [1] }, one));
        Assert.Null(SrmRequest.Validate(new SrmRequest { Observed = [10, 20], Shares = [1, 1, 1] }, lengths));
        Assert.Null(SrmRequest.Validate(new SrmRequest { Observed = [0, 0], Shares = [1, 1] }, nothing));

        Assert.Equal(["observed", "shares"], one.ToDictionary().Keys.Order());
        Assert.Equal(["shares"], lengths.ToDictionary().Keys);
        Assert.Equal(["observed"], nothing.ToDictionary().Keys);
    }
}

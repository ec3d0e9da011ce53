using Measurement.Features.Calculator;
using Platform.ServiceDefaults;

namespace Measurement.Tests.Calculator;

public sealed class CompareRequestTests
{
    private static readonly ArmRequest RateArm = new() { Units = 1_000, Conversions = 50 };
    private static readonly ArmRequest MoneyArm = new() { Units = 100, Sum = 1_000, SumOfSquares = 20_000 };

    [Fact]
    public void Validate_Rates_GivesRateInputWithDefaults()
    {
        var errors = new ValidationErrors();

        var input = CompareRequest.Validate(new CompareRequest { Control = RateArm, Treatments = [RateArm with { Conversions = 70, Name = "mail" }] }, errors);

        Assert.False(errors.HasErrors);
        Assert.NotNull(input);
        Assert.Equal(MetricKind.Rate, input.Metric);
        Assert.Equal("control", input.Control.Name);
        Assert.Equal("mail", input.Treatments[0].Name);
        Assert.Equal(70, input.Treatments[0].Moments.SumOfSquares);
        Assert.Equal(0.95, input.Options.Confidence);
        Assert.Equal(5_000, input.Options.SequentialTuning);
        Assert.False(input.HasCovariate);
    }

    [Fact]
    public void Validate_NamesEveryBadField()
    {
        var errors = new ValidationErrors();
        var request = new CompareRequest
        {
            Control = new ArmRequest { Units = -3, Conversions = 5 },
            Treatments =
            [
                new ArmRequest { Units = 10, Conversions = 11 },
                null,
                new ArmRequest { Units = 10.5, Conversions = 2, Sum = 4 },
            ],
            Confidence = 1.2,
            SequentialTuning = -1,
        };

        Assert.Null(CompareRequest.Validate(request, errors));

        var fields = errors.ToDictionary();
        Assert.Contains("control.units", fields.Keys);
        Assert.Contains("treatments[0].conversions", fields.Keys);
        Assert.Contains("treatments[1]", fields.Keys);
        Assert.Contains("treatments[2].units", fields.Keys);
        Assert.Contains("treatments[2].sum", fields.Keys);
        Assert.Contains("confidence", fields.Keys);
        Assert.Contains("sequentialTuning", fields.Keys);
    }

    [Fact]
    public void Validate_Money_RefusesASumOfSquaresBelowTheSquaredSum()
    {
        var errors = new ValidationErrors();

        // Σy = 1,000 over 100 units needs Σy² ≥ 10,000.
        Assert.Null(CompareRequest.Validate(new CompareRequest { Control = MoneyArm, Treatments = [MoneyArm with { SumOfSquares = 9_000 }] }, errors));

        Assert.Equal(["treatments[0].sumOfSquares"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void Validate_RefusesMixedKindsAndNonFiniteOrHugeNumbers()
    {
        var errors = new ValidationErrors();
        var request = new CompareRequest
        {
            Control = MoneyArm,
            Treatments = [new ArmRequest { Units = 100, Conversions = 3 }, MoneyArm with { Sum = double.NaN, SumOfSquares = 1e30 }],
        };

        Assert.Null(CompareRequest.Validate(request, errors));

        var fields = errors.ToDictionary();
        Assert.Contains("treatments[0].conversions", fields.Keys);
        Assert.Contains("treatments[0].sum", fields.Keys);
        Assert.Contains("treatments[1].sum", fields.Keys);
        Assert.Contains("treatments[1].sumOfSquares", fields.Keys);
    }

    [Fact]
    public void Validate_Covariate_MustBeInEveryArm_AndConsistent()
    {
        var errors = new ValidationErrors();
        var withCovariate = MoneyArm with { CovariateSum = 500, CovariateSumOfSquares = 5_000, CrossProducts = 6_000 };
        var request = new CompareRequest
        {
            Control = withCovariate,
            Treatments =
            [
                MoneyArm,
                withCovariate with { CovariateSumOfSquares = 100 },
                // S_yy = 10,000, S_xx = 2,500, S_xy = 50,000 − 5,000 = 45,000 > √(S_xx·S_yy) = 5,000.
                withCovariate with { CrossProducts = 50_000 },
            ],
        };

        Assert.Null(CompareRequest.Validate(request, errors));

        var fields = errors.ToDictionary();
        Assert.Contains("treatments[0].covariateSum", fields.Keys);
        Assert.Contains("treatments[0].covariateSumOfSquares", fields.Keys);
        Assert.Contains("treatments[0].crossProducts", fields.Keys);
        Assert.Contains("treatments[1].covariateSumOfSquares", fields.Keys);
        Assert.Contains("treatments[2].crossProducts", fields.Keys);
        Assert.DoesNotContain("control.crossProducts", fields.Keys);
    }

    [Fact]
    public void Validate_RefusesMissingBodyArmsAndTooManyArms()
    {
        var empty = new ValidationErrors();
        var many = new ValidationErrors();

        Assert.Null(CompareRequest.Validate(new CompareRequest(), empty));
        Assert.Null(CompareRequest.Validate(new CompareRequest { Control = RateArm, Treatments = Enumerable.Repeat<ArmRequest?>(RateArm, 21).ToList() }, many));

        Assert.Equal(["control", "treatments"], empty.ToDictionary().Keys.Order());
        Assert.Equal(["treatments"], many.ToDictionary().Keys);
    }

    [Fact]
    public void Compare_SeveralArms_AppliesHolmAcrossThem_AndCupedBesideTheUnadjusted()
    {
        var errors = new ValidationErrors();
        var control = new ArmRequest { Units = 500, Sum = 5_000, SumOfSquares = 100_000, CovariateSum = 2_500, CovariateSumOfSquares = 30_000, CrossProducts = 40_000 };
        var input = CompareRequest.Validate(new CompareRequest
        {
            Control = control,
            Treatments = [control with { Sum = 5_600, SumOfSquares = 115_000, CrossProducts = 42_000 }, control with { Sum = 6_200, SumOfSquares = 130_000, CrossProducts = 45_000 }],
        }, errors)!;

        var answer = StatsCalculator.Compare(input);

        Assert.Equal("mean", answer.Metric);
        Assert.Equal(2, answer.Treatments.Count);
        var p = answer.Treatments.Select(t => t.Lift.PValue).ToList();
        var holm = Platform.Numerics.Statistics.Holm.Adjust(p);
        Assert.Equal(holm, answer.Treatments.Select(t => t.Lift.PValueHolm));
        Assert.All(answer.Treatments, t => Assert.NotNull(t.Cuped));
        Assert.All(answer.Treatments, t => Assert.NotNull(t.Lift.DegreesOfFreedom));
        Assert.Contains("Holm", answer.MultipleComparisons, StringComparison.Ordinal);
    }
}

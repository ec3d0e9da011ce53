using Measurement.Features.Results;
using Platform.Numerics.Statistics;

namespace Measurement.Tests.Results;

public sealed class ResultsCalculatorTests
{
    [Fact]
    public void Compute_CellsWithoutMoneyOrVariance_GivesFiguresWithoutFailing()
    {
        var input = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("control", 1000, 50, 0), ResultsInputs.Row("a", 1100, 80, 30)]);

        var results = ResultsCalculator.Compute(input, ResultsQuery.Default);

        Assert.Equal(["control", "a"], results.Cells.Select(c => c.Cell));
        var detectable = Assert.Single(results.Health.DetectableLift);
        Assert.Null(detectable.ConversionRate.Absolute); // control converted nobody: no baseline to plan with
        Assert.Null(detectable.RevenuePerCustomer.Absolute); // no revenue at all: no spread
        Assert.NotNull(detectable.ResponseRate.Absolute);
        var money = Assert.Single(results.Money);
        Assert.Null(money.Roi.Value); // the cell cost nothing
        Assert.Null(results.Quality);
    }

    [Fact]
    public void Compute_GlobalControlAndUndesignedCells_ShownApart_NeverCompared()
    {
        var input = ResultsInputs.Campaign("cross_sell",
            [ResultsInputs.Row("control", 100, 5, 2), ResultsInputs.Row("a", 100, 9, 4), ResultsInputs.Row("global_control", 10, 1, 1), ResultsInputs.Row("stray", 3, 0, 0)]);

        var results = ResultsCalculator.Compute(input, ResultsQuery.Default);

        Assert.Equal(["control", "a", "stray"], results.Cells.Select(c => c.Cell));
        Assert.Null(results.Cells[2].DesignedShare);
        Assert.Equal(10, results.GlobalControl!.Assigned);
        Assert.Equal(["a"], results.Lifts.Select(l => l.Cell));
        Assert.Equal([100L, 100L], results.Health.SampleRatio.Cells.Select(c => c.Observed));
    }

    [Fact]
    public void Compute_NoControlMembers_ComparesNothingAndSaysSo()
    {
        var input = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("a", 100, 9, 4)]);

        var results = ResultsCalculator.Compute(input, ResultsQuery.Default);

        Assert.Empty(results.Lifts);
        Assert.Empty(results.Money);
        Assert.Contains(results.Notes, n => n.Contains("No control members", StringComparison.Ordinal));
    }

    [Fact]
    public void Compute_TooFewMembers_NamesWhyInsteadOfComparing()
    {
        var input = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("control", 1, 0, 0), ResultsInputs.Row("a", 100, 9, 4)]);

        var lift = Assert.Single(ResultsCalculator.Compute(input, ResultsQuery.Default).Lifts);

        Assert.All(lift.Metrics, m => Assert.Null(m.Unadjusted));
        Assert.All(lift.Metrics, m => Assert.Contains("at least 2 members", m.Unavailable, StringComparison.Ordinal));
    }

    [Fact]
    public void Compute_IntentToTreat_SumsContactedAndNot_PerContactedOnlyContacted()
    {
        var input = ResultsInputs.Campaign("cross_sell",
        [
            ResultsInputs.Row("control", 200, 10, 5, revenue: 500, revenueSq: 60_000),
            ResultsInputs.Row("a", 150, 30, 20, revenue: 3000, revenueSq: 500_000, contacted: true, contactCost: 150),
            ResultsInputs.Row("a", 50, 2, 1, revenue: 100, revenueSq: 10_000, tier: "top"),
        ]);

        var a = ResultsCalculator.Compute(input, ResultsQuery.Default).Cells.Single(c => c.Cell == "a");

        Assert.Equal(200, a.Assigned);
        Assert.Equal(150, a.Contacted);
        Assert.Equal(3100.0 / 200, a.PerAssigned.Revenue.Value!.Value, 12);
        Assert.Equal(3000.0 / 150, a.PerContacted!.PerContacted.Revenue.Value!.Value, 12);
        Assert.Equal(21.0 / 200, a.ConversionRate.Value!.Value, 12);
        Assert.Equal(20.0 / 150, a.PerContacted.ConversionRate.Value!.Value, 12);
        Assert.Equal(["top", ""], a.ByValueTier.Select(t => t.Key));
        Assert.Null(a.ByValueTier[0].ConversionLift); // control has no top-tier members
        Assert.Equal(Comparisons.Rates(Moments.Rate(200, 5), Moments.Rate(150, 20)).PValue, a.ByValueTier[1].ConversionLift!.PValue!.Value, 12);
        Assert.NotNull(a.ByValueTier[1].RevenueLift);
        Assert.Equal(150, a.Costs.ContactCost);
    }

    [Fact]
    public void Compute_Money_IncrementsAreTheLiftTimesTheCellsMembers()
    {
        var control = ResultsInputs.Row("control", 200, 10, 5, revenue: 500, revenueSq: 60_000);
        var treated = ResultsInputs.Row("a", 300, 30, 24, revenue: 3000, revenueSq: 500_000, contacted: true, contactCost: 300);
        var input = ResultsInputs.Campaign("cross_sell", [control, treated]);

        var money = Assert.Single(ResultsCalculator.Compute(input, ResultsQuery.Default).Money);

        var revenue = Comparisons.Means(new Moments(200, 500, 60_000), new Moments(300, 3000, 500_000));
        Assert.Equal(revenue.Absolute * 300, money.IncrementalRevenue.Value!.Value, 9);
        Assert.Equal(revenue.AbsoluteInterval.Lower * 300, money.IncrementalRevenue.Interval!.Lower!.Value, 9);
        var conversions = Comparisons.Rates(Moments.Rate(200, 5), Moments.Rate(300, 24));
        Assert.Equal(conversions.Absolute * 300, money.IncrementalConversions.Value!.Value, 9);
        Assert.Equal(300 / (conversions.Absolute * 300), money.CostPerIncrementalAcquisition.Value!.Value, 9);
        Assert.Equal(300, money.Costs.Total);
    }

    [Fact]
    public void Compute_Cuped_OnlyWhenTheCovariateVaries()
    {
        var flat = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("control", 100, 5, 2, 100, 5000), ResultsInputs.Row("a", 100, 9, 4, 200, 9000)]);
        var varied = ResultsInputs.Campaign("cross_sell",
            [ResultsInputs.Row("control", 100, 5, 2, 100, 5000, x: 1000, xSq: 30_000, xRevenue: 2000), ResultsInputs.Row("a", 100, 9, 4, 200, 9000, x: 1100, xSq: 33_000, xRevenue: 4000)]);

        var none = ResultsCalculator.Compute(flat, ResultsQuery.Default).Lifts[0].Metrics.Single(m => m.Metric == LiftCalculator.RevenuePerCustomer);
        var some = ResultsCalculator.Compute(varied, ResultsQuery.Default).Lifts[0].Metrics.Single(m => m.Metric == LiftCalculator.RevenuePerCustomer);

        Assert.Null(none.Cuped);
        Assert.NotNull(none.Unadjusted);
        Assert.NotNull(some.Cuped);
        Assert.Contains("CUPED", some.Cuped!.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_Retention_NotMaturedWithin90DaysOfTheLastWave()
    {
        var stats = new[] { ResultsInputs.Row("control", 100, 5, 2, active: 10), ResultsInputs.Row("a", 100, 9, 4, active: 20) };

        var early = ResultsCalculator.Compute(ResultsInputs.Campaign("retention", stats, now: ResultsInputs.Launch.AddDays(60)), ResultsQuery.Default).Quality!.Retention!;
        var late = ResultsCalculator.Compute(ResultsInputs.Campaign("win_back", stats, now: ResultsInputs.Launch.AddDays(90)), ResultsQuery.Default).Quality!.Retention!;

        Assert.False(early.Matured);
        Assert.True(late.Matured);
        var a = late.Cells.Single(c => c.Cell == "a");
        Assert.Equal(0.2, a.Rate.Value!.Value, 12);
        Assert.Equal(Comparisons.Rates(Moments.Rate(100, 10), Moments.Rate(100, 20)).PValue, a.Lift!.PValue!.Value, 12);
    }

    [Fact]
    public void Compute_Acquisition_WithoutTheCohortScan_HasNoQualityView()
    {
        var input = ResultsInputs.Campaign("acquisition", [ResultsInputs.Row("control", 100, 5, 2), ResultsInputs.Row("a", 100, 9, 4)]);

        Assert.Null(ResultsCalculator.Compute(input, ResultsQuery.Default).Quality);
    }

    [Fact]
    public void Compute_AcquiredCohort_LtvToCacIsMeanClvTimesIncrementOverCost()
    {
        var stats = new[] { ResultsInputs.Row("control", 200, 10, 10), ResultsInputs.Row("a", 200, 30, 30, contacted: true, contactCost: 400) };
        var cohorts = new[]
        {
            new CohortRow("control", 10, 10, 10, 2, 10, 3, 5, 3, 8, 2, 8, 400, 24_000),
            new CohortRow("a", 30, 29, 29, 5, 25, 8, 12, 6, 20, 12, 20, 1200, 90_000),
        };
        var input = ResultsInputs.Campaign("acquisition", stats) with { Cohorts = cohorts };

        var quality = ResultsCalculator.Compute(input, ResultsQuery.Default).Quality!.Acquisition!;

        var a = quality.Cells.Single(c => c.Cell == "a");
        Assert.Equal([29L, 25L, 12L], a.Repeat.Select(r => r.Matured));
        Assert.Equal(5.0 / 29, a.Repeat[0].Rate.Value!.Value, 12);
        Assert.Equal(Comparisons.Rates(Moments.Rate(10, 2), Moments.Rate(29, 5)).Absolute, a.Repeat[0].Lift!.Absolute!.Value, 12);
        Assert.Equal(0.6, a.DealSeekerShare.Value!.Value, 12);
        Assert.Equal(60, a.MeanClv.Value!.Value, 12);
        var increment = Comparisons.Rates(Moments.Rate(200, 10), Moments.Rate(200, 30)).Absolute * 200;
        Assert.Equal(60 * increment / 400, a.LtvToCac!.Value!.Value, 9);
        Assert.Null(quality.Cells.Single(c => c.Cell == "control").Repeat[0].Lift);
    }
}

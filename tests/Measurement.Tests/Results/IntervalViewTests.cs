using Measurement.Features.Results;
using Platform.Numerics.Statistics;

namespace Measurement.Tests.Results;

public sealed class IntervalViewTests
{
    [Fact]
    public void From_UnboundedOrUndefinedEnds_AreNull()
    {
        Assert.Equal(new IntervalView(2, null), IntervalView.From(new Interval(2, double.PositiveInfinity)));
        Assert.Equal(new IntervalView(null, 3), IntervalView.From(new Interval(double.NaN, 3)));
        Assert.Null(IntervalView.From((Interval?)null));
    }

    [Fact]
    public void WithHolm_AdjustsEachMetricAcrossCells()
    {
        static LiftView View(double p) => new(0, 0, 0, new IntervalView(0, 0), null, null, null, 0, 0, null, p, null, null, "m", "r", null);
        var cells = new[]
        {
            new CellLift("a", [new MetricLift("x", View(0.01), View(0.03), null), new MetricLift("y", View(0.5), null, null)]),
            new CellLift("b", [new MetricLift("x", View(0.04), View(0.02), null), new MetricLift("y", null, null, "too few")]),
        };

        var adjusted = LiftCalculator.WithHolm(cells);

        Assert.Equal(0.02, adjusted[0].Metrics[0].Unadjusted!.HolmPValue!.Value, 12);
        Assert.Equal(0.04, adjusted[1].Metrics[0].Unadjusted!.HolmPValue!.Value, 12);
        Assert.Equal(0.04, adjusted[0].Metrics[0].Cuped!.HolmPValue!.Value, 12);
        Assert.Equal(0.04, adjusted[1].Metrics[0].Cuped!.HolmPValue!.Value, 12);
        Assert.Equal(0.5, adjusted[0].Metrics[1].Unadjusted!.HolmPValue!.Value, 12); // alone in its family
    }
}

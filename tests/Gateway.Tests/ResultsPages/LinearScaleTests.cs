using Gateway.Features.ResultsPages;

namespace Gateway.Tests.ResultsPages;

public sealed class LinearScaleTests
{
    [Fact]
    public void Map_EndsOfTheDomainToEndsOfTheRange_AndClampsBeyond()
    {
        var scale = new LinearScale(-1, 3, 100, 500);

        Assert.Equal(100, scale.Map(-1));
        Assert.Equal(500, scale.Map(3));
        Assert.Equal(200, scale.Map(0));
        Assert.Equal(100, scale.Map(-50)); // an unbounded or far end is drawn to the edge
        Assert.Equal(500, scale.Map(1e9));
    }

    [Fact]
    public void Covering_HoldsEveryValueAndZero_WithRoomOnTheSides()
    {
        var scale = LinearScale.Covering([0.02, 0.09, null, double.PositiveInfinity], includeZero: true, 0, 100);

        Assert.Equal(0, scale.Min); // a domain starting at 0 stays at 0: bars start at the axis
        Assert.True(scale.Max > 0.09 && scale.Max < 0.1);

        var lifts = LinearScale.Covering([-0.02, 0.05], includeZero: true, 0, 100);
        Assert.True(lifts.Min < -0.02 && lifts.Max > 0.05);
        Assert.True(lifts.Map(0) > 0 && lifts.Map(0) < 100);
    }

    [Fact]
    public void Covering_OneValueOrNone_StillGivesAUsableDomain()
    {
        var one = LinearScale.Covering([2.0], includeZero: false, 0, 100);
        Assert.True(one.Min < 2 && one.Max > 2);
        Assert.Equal(50, one.Map(2), 6);

        var none = LinearScale.Covering([null], includeZero: false, 0, 100);
        Assert.Equal((0, 1), (none.Min, none.Max));
    }

    [Theory]
    [InlineData(0.9, 1)]
    [InlineData(1.04, 2)]
    [InlineData(0.021, 0.025)]
    [InlineData(3.3, 5)]
    [InlineData(7, 10)]
    public void NiceStep_IsTheSmallestOfOneTwoTwoAndAHalfFiveTimesAPowerOfTen(double rough, double expected) =>
        Assert.Equal(expected, LinearScale.NiceStep(rough), 9);

    [Fact]
    public void Ticks_AreRoundNumbersInsideTheDomain_ZeroIncluded()
    {
        var ticks = new LinearScale(-0.7, 3.46, 0, 100).Ticks(7);

        Assert.Equal([0, 1, 2, 3], ticks);
        Assert.Equal([-0.02, 0, 0.02, 0.04, 0.06], new LinearScale(-0.021, 0.065, 0, 1).Ticks(7).Select(t => Math.Round(t, 9)));
    }
}

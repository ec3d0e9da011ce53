namespace Demo.Tests;

/// <summary>Whether an interval contains the truth, as the report judges it.</summary>
public sealed class FigureTests
{
    [Theory]
    [InlineData(0.1, 0.2, 0.15, true)]
    [InlineData(0.1, 0.2, 0.25, false)]
    [InlineData(0.1, 0.2, 0.05, false)]
    [InlineData(0.0, 0.05, 0.0, true)] // a rate of 0 with its interval from 0
    public void Covers_IsTrueInsideTheInterval(double lower, double upper, double truth, bool covers) =>
        Assert.Equal(covers, new Figure(0.1, lower, upper, truth).Covers);

    [Fact]
    public void Covers_OpenEndIsUnbounded_AndNothingIsJudgedWithoutTruthOrInterval()
    {
        Assert.True(new Figure(10, 5, null, 1_000).Covers);
        Assert.Null(new Figure(10, 5, 15, null).Covers);
        Assert.Null(new Figure(10, null, null, 10).Covers);
    }
}

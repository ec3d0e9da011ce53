using Gateway.Features.ResultsPages;

namespace Gateway.Tests.ResultsPages;

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(0.041234, "4.1%")]
    [InlineData(0.0049, "0.5%")]
    [InlineData(0.00042, "0.04%")]
    [InlineData(0, "0.0%")]
    [InlineData(1, "100.0%")]
    [InlineData(-0.5, "-50.0%")]
    public void Percent_OneDecimal_TwoBelowOnePercent(double rate, string expected) => Assert.Equal(expected, NumberFormat.Percent(rate));

    [Theory]
    [InlineData(0.041, "+4.1 points")]
    [InlineData(-0.023, "-2.3 points")]
    [InlineData(0.0004, "+0.04 points")]
    [InlineData(-0.00001, "0.00 points")] // rounds to zero: no sign, no "-0"
    [InlineData(0, "0.0 points")]
    public void Points_AreSignedPercentagePoints(double difference, string expected) => Assert.Equal(expected, NumberFormat.Points(difference));

    [Fact]
    public void Undefined_IsNotApplicable_Everywhere()
    {
        Assert.Equal("n/a", NumberFormat.Percent(null));
        Assert.Equal("n/a", NumberFormat.Points(null));
        Assert.Equal("n/a", NumberFormat.Money(null, "EUR"));
        Assert.Equal("n/a", NumberFormat.PValue(null));
        Assert.Equal("n/a", NumberFormat.Times(null));
    }

    [Fact]
    public void Money_TwoDecimalsThousandsAndCurrency()
    {
        Assert.Equal("1,234.50 EUR", NumberFormat.Money(1234.5, "EUR"));
        Assert.Equal("-46.50 EUR", NumberFormat.Money(-46.5, "EUR"));
        Assert.Equal("12,345", NumberFormat.Count(12345));
        Assert.Equal("3.2×", NumberFormat.Times(3.21));
    }

    [Theory]
    [InlineData(0.43, "0.43")]
    [InlineData(0.0123, "0.012")]
    [InlineData(0.0042, "0.004")]
    [InlineData(0.2, "0.20")]
    [InlineData(0.0009, "< 0.001")]
    [InlineData(1, "1.00")]
    public void PValue_SmallOnesAsBelowOneThousandth(double p, string expected) => Assert.Equal(expected, NumberFormat.PValue(p));

    [Theory]
    [InlineData(0.95, "95%")]
    [InlineData(0.975, "97.5%")]
    public void Confidence_AsAPercentage(double level, string expected) => Assert.Equal(expected, NumberFormat.Confidence(level));
}

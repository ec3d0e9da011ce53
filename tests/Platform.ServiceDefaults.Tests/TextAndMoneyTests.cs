using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Tests;

public sealed class TextAndMoneyTests
{
    [Theory]
    [InlineData("  abc  ", "abc")]
    [InlineData("😀 ok", "😀 ok")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Optional_TrimsAndTreatsBlankAsMissing(string? value, string? expected)
    {
        var errors = new ValidationErrors();
        Assert.Equal(expected, Text.Optional(errors, "f", value, 10));
        Assert.False(errors.HasErrors);
    }

    [Fact]
    public void Optional_RefusesNulAndUnpairedSurrogates_NamingTheField()
    {
        // Built here, not in InlineData: xUnit's test-case serialization would replace a lone surrogate by U+FFFD.
        string[] bad = ["a\0b", "a" + (char)0xD800 + "b", "a" + (char)0xDC00, ((char)0xD800).ToString(), "x" + (char)0xDC00 + (char)0xD800];
        foreach (var value in bad)
        {
            var errors = new ValidationErrors();
            Assert.Null(Text.Optional(errors, "city", value, 100));
            Assert.Equal([Text.NotStorable], errors.ToDictionary()["city"]);
        }
    }

    [Fact]
    public void Required_WhenBlank_SaysSo_AndWhenTooLong_GivesTheLimit()
    {
        var errors = new ValidationErrors();
        Assert.Null(Text.Required(errors, "a", " ", 5));
        Assert.Null(Text.Required(errors, "b", "123456", 5));
        Assert.Equal(["is required"], errors.ToDictionary()["a"]);
        Assert.Equal(["must be at most 5 characters"], errors.ToDictionary()["b"]);
    }

    [Theory]
    [InlineData("25", "25.00")]
    [InlineData("-3.5", "-3.50")]
    [InlineData("999999999999.99", "999999999999.99")]
    public void Money_KeepsScaleTwo(string value, string expected)
    {
        var errors = new ValidationErrors();
        var checkedValue = Money.Check(errors, "amount", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), required: true, allowNegative: true);
        Assert.Equal(expected, checkedValue?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1.001", "must have at most 2 decimal places")]
    [InlineData("1000000000000", "must be less than 1,000,000,000,000")]
    [InlineData("-1", "must not be negative")]
    public void Money_RefusesRatherThanRounds(string value, string message)
    {
        var errors = new ValidationErrors();
        Assert.Null(Money.Check(errors, "amount", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), required: true, allowNegative: false));
        Assert.Equal([message], errors.ToDictionary()["amount"]);
    }
}

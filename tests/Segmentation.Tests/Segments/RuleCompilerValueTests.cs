using Platform.ServiceDefaults.Validation;
using Segmentation.Features.Segments;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

public sealed class RuleCompilerValueTests
{
    [Theory]
    [InlineData("\"100\"")]
    [InlineData("true")]
    [InlineData("[100]")]
    [InlineData("{}")]
    [InlineData("1e400")]
    public void Numeric_NeedsAJsonNumber(string value)
    {
        var errors = Invalid(Condition("net_revenue", "gt", value));

        Assert.Equal("must be a number", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1e30")]
    public void Integer_NeedsAWholeNumberWithin64Bits(string value)
    {
        var errors = Invalid(Condition("orders_count", "gte", value));

        Assert.Equal("must be a whole number within 64 bits", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("2", 2L)]
    [InlineData("2.0", 2L)]
    [InlineData("2e1", 20L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Integer_AcceptsAnyIntegralNumber(string value, long expected)
    {
        var rule = Valid(Condition("orders_count", "gte", value));

        Assert.Equal(expected, rule.Parameters[0].Value);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("\"yes\"")]
    public void Boolean_NeedsTrueOrFalse(string value)
    {
        var errors = Invalid(Condition("consent_email", "eq", value));

        Assert.Equal("must be true or false", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("\"2024-02-30\"")]
    [InlineData("\"2024-5-1\"")]
    [InlineData("\"01.05.2024\"")]
    [InlineData("\"2024-05-01T00:00:00Z\"")]
    [InlineData("\" 2024-05-01\"")]
    [InlineData("\"２０２４-05-01\"")]
    [InlineData("20240501")]
    public void Date_NeedsYearMonthDay(string value)
    {
        var errors = Invalid(Condition("join_date", "gte", value));

        Assert.Equal("must be a date \"YYYY-MM-DD\"", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("\"2024-05-01T12:00:00\"")]
    [InlineData("\"2024-05-01 12:00:00Z\"")]
    [InlineData("\"2024-05-01T12:00:00z\"")]
    [InlineData("\"2024-05-01T25:00:00Z\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1714564800")]
    [InlineData("\"2024-05-01\"")] // a date alone is not a moment: the platform's one timestamp grammar needs a time and an offset
    public void Timestamp_NeedsTheIsoGrammarWithAnOffset(string value)
    {
        var errors = Invalid(Condition("last_purchase_at", "lt", value));

        Assert.Equal(IsoTimestamp.Expected, ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("\"gold\"")]
    [InlineData("\"Top\"")]
    [InlineData("\"\"")]
    [InlineData("1")]
    public void Enum_NeedsOneOfItsValuesAndListsThem(string value)
    {
        var errors = Invalid(Condition("value_tier", "eq", value));

        Assert.Equal("must be one of: top, middle, bottom", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("\"not-a-uuid\"")]
    [InlineData("\"{3f2504e0-4f89-11d3-9a0c-0305e82c3301}\"")]
    [InlineData("\"3f2504e04f8911d39a0c0305e82c3301\"")]
    [InlineData("42")]
    public void Uuid_NeedsTheHyphenatedForm(string value)
    {
        var errors = Invalid(Condition("customer_id", "eq", value));

        Assert.StartsWith("must be a UUID string", ErrorAt(errors, ".value"), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_UpTo200Characters_IsAccepted()
    {
        Valid(Condition("region", "eq", Text(new string('x', RuleCompiler.MaxTextLength))));
    }

    [Fact]
    public void Text_Over200Characters_IsAnError()
    {
        var errors = Invalid(Condition("region", "eq", Text(new string('x', RuleCompiler.MaxTextLength + 1))));

        Assert.Equal("must be at most 200 characters", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("[\"DE\"]")]
    [InlineData("false")]
    public void Text_NeedsAString(string value)
    {
        var errors = Invalid(Condition("country", "eq", value));

        Assert.Equal("must be a string of at most 200 characters", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("is_null")]
    [InlineData("is_not_null")]
    public void Value_GivenToANullTest_IsAnError(string op)
    {
        var errors = Invalid(Condition("p_alive", op, "0.5"));

        Assert.Equal($"must not be given with {op}", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void Value_Missing_IsRequired()
    {
        var errors = Invalid(Condition("p_alive", "gt", null));

        Assert.Equal("is required", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void Value_Null_PointsToIsNull()
    {
        var errors = Invalid(Condition("p_alive", "eq", "null"));

        Assert.Equal("must not be null (is_null finds missing values)", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void ListItems_AreEachCheckedAtTheirIndex()
    {
        var errors = Invalid(Condition("region", "in", """["North", 1, "South", null, "x\u0000"]"""));

        Assert.Equal([".value[1]", ".value[3]", ".value[4]"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ListOfEnumValues_NamesEachUnknownValue()
    {
        var errors = Invalid(Condition("churn_risk", "not_in", """["low", "extreme", "HIGH"]"""));

        Assert.Equal("must be one of: low, medium, high", ErrorAt(errors, ".value[1]"));
        Assert.Equal("must be one of: low, medium, high", ErrorAt(errors, ".value[2]"));
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[1, 2, 3]")]
    [InlineData("1")]
    public void Between_NeedsTwoValues(string value)
    {
        var errors = Invalid(Condition("clv", "between", value));

        Assert.Equal("must be an array [min, max]", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void Between_ChecksEachBound()
    {
        var errors = Invalid(Condition("tenure_days", "between", """["a", 2.5]"""));

        Assert.Equal("must be a whole number within 64 bits", ErrorAt(errors, ".value[0]"));
        Assert.Equal("must be a whole number within 64 bits", ErrorAt(errors, ".value[1]"));
    }

    [Theory]
    [InlineData("clv", "[20, 10]")]
    [InlineData("join_date", """["2024-12-31", "2024-01-01"]""")]
    [InlineData("last_purchase_at", """["2024-01-01T01:00:00+00:00", "2024-01-01T02:00:00+02:00"]""")]
    public void Between_MinAboveMax_IsAnError(string field, string value)
    {
        var errors = Invalid(Condition(field, "between", value));

        Assert.Equal("min must not be greater than max", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void SeveralErrors_AreAllReportedAtTheirPaths()
    {
        var json = $$"""
            {"and": [
                {{Condition("net_revenue", "gt", "\"lots\"")}},
                {{Condition("net_revenue; DROP", "eq", "1")}},
                {"or": [{{Condition("value_tier", "like", "\"t%\"")}}]},
                {"not": {{Condition("orders_count", "gt", "1.5")}} },
                {{Condition("join_date", "between", "[\"2024-01-01\", \"2023-13-01\"]")}},
                {{Condition("gender", "eq", "\"female\"")}}
            ]}
            """;

        var errors = Invalid(json);

        Assert.Equal(
            [".and[0].value", ".and[1].field", ".and[2].or[0].op", ".and[3].not.value", ".and[4].value[1]"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ErrorPaths_FollowTheCallersPrefix()
    {
        var json = $$"""
            {"and": [
                {{Condition("gender", "eq", "\"female\"")}},
                {{Condition("clv", "gt", "10")}},
                {"or": [{{Condition("value_tier", "gt", "\"top\"")}}, {"field": "clv", "op": "eq", "value": 1, "extra": 1}]}
            ]}
            """;

        var errors = Invalid(json, prefix: "rule");

        Assert.StartsWith("\"gt\" is not allowed for value_tier (enum)", ErrorAt(errors, "rule.and[2].or[0].op"), StringComparison.Ordinal);
        Assert.Equal("is not a rule key (and, or, not, field, op, value)", ErrorAt(errors, "rule.and[2].or[1].extra"));
    }

    [Fact]
    public void ErrorsOfTheWholeRule_AreAtThePrefixItself()
    {
        var errors = Invalid("[]", prefix: "rule");

        Assert.StartsWith("must be a rule", ErrorAt(errors, "rule"), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldAndUnknownOperator_AreBothReported()
    {
        var errors = Invalid(Condition("revenue", "bigger", "1"));

        Assert.StartsWith("unknown field \"revenue\"", ErrorAt(errors, ".field"), StringComparison.Ordinal);
        Assert.Equal($"must be one of: {string.Join(", ", RuleOperators.Names)}", ErrorAt(errors, ".op"));
    }
}

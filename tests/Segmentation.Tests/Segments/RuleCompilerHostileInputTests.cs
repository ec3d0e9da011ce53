using System.Text.RegularExpressions;
using NpgsqlTypes;
using Segmentation.Features.Segments;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

/// <summary>User input never becomes code: values travel as parameters, field names are looked up, never copied.</summary>
public sealed partial class RuleCompilerHostileInputTests
{
    private static readonly string[] HostileValues =
    [
        "'; DROP TABLE x; --",
        "O'Brien",
        "''",
        "\\",
        "back\\slash\\'",
        "\"quoted\"",
        "E'\\x41'",
        "$1",
        "$$ body $$",
        "@p1",
        ":name",
        "*/ OR 1=1 /*",
        "-- comment",
        ") OR (TRUE",
        "Zürich 東京 🎉",
        "\u2028\u2029",
        "%_",
        "ａｄｍｉｎ",
    ];

    public static TheoryData<string> HostileTexts => new(HostileValues);

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void HostileText_TravelsAsAParameterUnchanged(string value)
    {
        var rule = Valid(Condition("region", "eq", Text(value)));

        Assert.Equal("(b.region = @p0)", rule.WhereSql);
        Assert.Equal(value, rule.Parameters[0].Value);
        Assert.Equal(NpgsqlDbType.Text, rule.Parameters[0].NpgsqlDbType);
    }

    [Fact]
    public void HostileTexts_InEveryTextOperator_NeverReachTheSql()
    {
        var values = HostileValues;
        var list = "[" + string.Join(", ", values.Select(Text)) + "]";
        var conditions = values.Select(v => Condition("acquisition_campaign", "starts_with", Text(v)))
            .Append(Condition("country", "in", list))
            .Append(Condition("rfm_cell", "not_in", list))
            .Append(Condition("region", "ne", Text(values[0])));
        var rule = Valid($$"""{"or": [{{string.Join(", ", conditions)}}]}""");

        foreach (var value in values.Where(v => v != "@p1")) // "@p1" is also a placeholder the compiler writes
        {
            Assert.DoesNotContain(value, rule.WhereSql, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("'", rule.WhereSql, StringComparison.Ordinal);
        Assert.DoesNotContain("DROP", rule.WhereSql, StringComparison.Ordinal);
        AssertOnlyColumnsOperatorsAndPlaceholders(rule.WhereSql);
    }

    [Fact]
    public void NulCharacter_InText_IsAnError()
    {
        var errors = Invalid(Condition("region", "eq", "\"North\\u0000'; DROP TABLE x; --\""));

        Assert.Equal("must not contain NUL characters or unpaired surrogates", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\udc00b\"")]
    public void UnpairedSurrogate_InText_IsAnError(string value)
    {
        var errors = Invalid(Condition("region", "eq", value));

        Assert.Equal("must not contain NUL characters or unpaired surrogates", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("net_revenue; DROP")]
    [InlineData("net_revenue; DROP TABLE customer_profiles; --")]
    [InlineData("b.customer_id")]
    [InlineData("customer_id--")]
    [InlineData("customer_id) OR (1=1")]
    [InlineData(" customer_id")]
    [InlineData("customer_id ")]
    [InlineData("\"customer_id\"")]
    [InlineData("pg_sleep(10)")]
    [InlineData("cost_total")] // a real column of the profile tables, but not on the whitelist
    [InlineData("")]
    [InlineData("net_revenue\u0000")]
    public void FieldName_NotOnTheWhitelist_IsAnUnknownField(string field)
    {
        var errors = Invalid(Condition(field, "eq", "1"));

        Assert.StartsWith("unknown field \"", ErrorAt(errors, ".field"), StringComparison.Ordinal);
        Assert.DoesNotContain("\0", ErrorAt(errors, ".field"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NET_REVENUE", "net_revenue")]
    [InlineData("net_revnue", "net_revenue")]
    [InlineData("lastpurchase_at", "last_purchase_at")]
    public void UnknownField_CloseToARealOne_SuggestsIt(string field, string suggestion)
    {
        var errors = Invalid(Condition(field, "gt", "1"));

        Assert.EndsWith($"; did you mean \"{suggestion}\"?", ErrorAt(errors, ".field"), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownField_FarFromAnyName_SuggestsNothing()
    {
        var errors = Invalid(Condition("password_hash", "eq", "\"x\""));

        Assert.Equal("unknown field \"password_hash\"", ErrorAt(errors, ".field"));
    }

    [Fact]
    public void UnknownField_ThatIsHuge_IsShortenedInTheMessage()
    {
        var errors = Invalid(Condition(new string('x', 100_000), "eq", "1"));

        Assert.True(ErrorAt(errors, ".field").Length < 100);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[\"country\"]")]
    [InlineData("{\"name\": \"country\"}")]
    [InlineData("null")]
    public void FieldName_ThatIsNotAString_IsAnError(string field)
    {
        var errors = Invalid($$"""{"field": {{field}}, "op": "eq", "value": 1}""");

        Assert.Equal("must be a field name (a string)", ErrorAt(errors, ".field"));
    }

    [Theory]
    [InlineData("eq; DROP TABLE x")]
    [InlineData("= 1 OR 1 =")]
    [InlineData("eq ")]
    public void Operator_NotOnTheList_IsAnError(string op)
    {
        var errors = Invalid(Condition("orders_count", op, "1"));

        Assert.StartsWith("must be one of: ", ErrorAt(errors, ".op"), StringComparison.Ordinal);
    }

    [Fact]
    public void HostileListItems_AreParametersAndBadOnesAreNamed()
    {
        var errors = Invalid(Condition("customer_id", "in", """["3f2504e0-4f89-11d3-9a0c-0305e82c3301", "'; DROP TABLE x; --", "3f2504e0-4f89-11d3-9a0c-0305e82c3301) OR (1=1"]"""));

        Assert.Equal([".value[1]", ".value[2]"], errors.Keys.Order(StringComparer.Ordinal));
    }

    private static void AssertOnlyColumnsOperatorsAndPlaceholders(string sql)
    {
        foreach (Match column in Regex.Matches(sql, @"b\.[a-z_]+", RegexOptions.CultureInvariant))
        {
            Assert.Contains(SegmentFields.All, f => f.Column == column.Value);
        }

        Assert.Equal("", SqlTokens().Replace(sql, ""));
    }

    [GeneratedRegex(@"b\.[a-z_]+|@p[0-9]+|\b(AND|OR|NOT|IS|NULL|TRUE|BETWEEN|ANY|ALL|starts_with)\b|<>|>=|<=|[()=<>,]|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex SqlTokens();
}

using NpgsqlTypes;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

public sealed class RuleCompilerGroupTests
{
    private static readonly string[] TopAndMiddle = ["top", "middle"];

    [Fact]
    public void EmptyAnd_SelectsEveryone()
    {
        var rule = Valid("""{"and": []}""");

        Assert.Equal("TRUE", rule.WhereSql);
        Assert.Empty(rule.Parameters);
    }

    [Fact]
    public void And_JoinsItsConditionsInParentheses()
    {
        var rule = Valid($$"""{"and": [{{Condition("country", "eq", "\"DE\"")}}, {{Condition("orders_count", "gt", "1")}}]}""");

        Assert.Equal("((b.country = @p0) AND (b.orders_count > @p1))", rule.WhereSql);
    }

    [Fact]
    public void AndOrNot_Nested_CompileWithParenthesesAndParametersInOrder()
    {
        var json = $$"""
            {"and": [
                {{Condition("country", "eq", "\"DE\"")}},
                {"or": [
                    {{Condition("orders_count", "gte", "2")}},
                    {"not": {{Condition("deal_seeker", "eq", "true")}} },
                    {"and": [{{Condition("value_tier", "in", "[\"top\", \"middle\"]")}}, {{Condition("churn_risk", "is_null", null)}}]}
                ]},
                {"not": {"or": [{{Condition("consent_mail", "eq", "false")}}, {{Condition("region", "starts_with", "\"Nord\"")}}] } }
            ]}
            """;

        var rule = Valid(json);

        Assert.Equal(
            "((b.country = @p0) AND ((b.orders_count >= @p1) OR ((b.deal_seeker = @p2) IS NOT TRUE) OR ((b.value_tier = ANY(@p3)) AND (b.churn_risk IS NULL)))"
            + " AND (((b.consent_mail = @p4) OR (starts_with(b.region, @p5))) IS NOT TRUE))",
            rule.WhereSql);
        Assert.Equal(["p0", "p1", "p2", "p3", "p4", "p5"], rule.Parameters.Select(p => p.ParameterName));
        Assert.Equal(
            [NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Boolean, NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Boolean, NpgsqlDbType.Text],
            rule.Parameters.Select(p => p.NpgsqlDbType));
        Assert.Equal(["DE", 2L, true, TopAndMiddle, false, "Nord"], rule.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void Not_IsTheComplement_SoCustomersWithoutTheFieldAreSelected()
    {
        // "not in Germany" includes customers with no country: (NULL = 'DE') IS NOT TRUE is true,
        // whereas NOT (NULL = 'DE') would be unknown and drop them.
        var rule = Valid($$"""{"not": {{Condition("country", "eq", "\"DE\"")}} }""");

        Assert.Equal("((b.country = @p0) IS NOT TRUE)", rule.WhereSql);
    }

    [Fact]
    public void Ne_DoesNotSelectCustomersWithoutTheField()
    {
        // unlike "not eq": a comparison with NULL is false
        var rule = Valid(Condition("country", "ne", "\"DE\""));

        Assert.Equal("(b.country <> @p0)", rule.WhereSql);
    }

    [Fact]
    public void NotOfNot_IsTheNodeAgain()
    {
        var rule = Valid($$"""{"not": {"not": {{Condition("clv", "gt", "100")}} } }""");

        Assert.Equal("(((b.clv > @p0) IS NOT TRUE) IS NOT TRUE)", rule.WhereSql);
    }

    [Theory]
    [InlineData("and")]
    [InlineData("or")]
    public void Group_OfOneNode_IsThatNode(string group)
    {
        var rule = Valid($$"""{"{{group}}": [{{Condition("gender", "eq", "\"female\"")}}]}""");

        Assert.Equal("(b.gender = @p0)", rule.WhereSql);
    }

    [Fact]
    public void EmptyOr_IsAnError()
    {
        var errors = Invalid("""{"or": []}""");

        Assert.Equal("must have at least one rule", ErrorAt(errors, ".or"));
    }

    [Theory]
    [InlineData("""{"and": {}}""", ".and")]
    [InlineData("""{"or": "x"}""", ".or")]
    [InlineData("""{"and": null}""", ".and")]
    public void Group_ThatIsNotAnArray_IsAnError(string json, string path)
    {
        var errors = Invalid(json);

        Assert.Equal("must be an array of rules", ErrorAt(errors, path));
    }

    [Theory]
    [InlineData("[]", "")]
    [InlineData("\"everyone\"", "")]
    [InlineData("null", "")]
    [InlineData("42", "")]
    [InlineData("{}", "")]
    [InlineData("""{"not": [1]}""", ".not")]
    [InlineData("""{"and": [true]}""", ".and[0]")]
    [InlineData("""{"or": [{"and": []}, "x"]}""", ".or[1]")]
    public void Node_ThatIsNotARule_IsAnErrorAtItsPath(string json, string path)
    {
        var errors = Invalid(json);

        Assert.StartsWith("must be a rule: ", ErrorAt(errors, path), StringComparison.Ordinal);
    }

    [Fact]
    public void Node_WithTwoGroups_IsAnError()
    {
        var errors = Invalid("""{"and": [], "or": [{"and": []}]}""");

        Assert.Equal("must have only one of and, or, not", ErrorAt(errors, ""));
    }

    [Fact]
    public void Group_WithConditionKeys_IsAnErrorPerKey()
    {
        var errors = Invalid("""{"and": [], "field": "country", "value": "DE"}""");

        Assert.Equal("is not allowed beside \"and\"", ErrorAt(errors, ".field"));
        Assert.Equal("is not allowed beside \"and\"", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void UnknownKey_IsAnErrorAtThatKey()
    {
        var errors = Invalid("""{"field": "country", "op": "eq", "value": "DE", "colour": "red"}""");

        Assert.Equal("is not a rule key (and, or, not, field, op, value)", ErrorAt(errors, ".colour"));
        Assert.Single(errors);
    }

    [Fact]
    public void UnknownKey_ThatIsNotAName_IsReportedOnTheNodeWithoutEchoingIt()
    {
        var errors = Invalid("""{"and": [], "x'; DROP TABLE t; --": 1}""");

        Assert.Equal("has a key that is not a rule key (and, or, not, field, op, value)", ErrorAt(errors, ""));
    }

    [Fact]
    public void DuplicateKey_IsAnError()
    {
        var errors = Invalid("""{"field": "country", "field": "region", "op": "eq", "value": "DE"}""");

        Assert.Equal("is given more than once", ErrorAt(errors, ".field"));
    }

    [Fact]
    public void Condition_WithoutFieldAndOp_NamesBoth()
    {
        var errors = Invalid("""{"value": 1}""");

        Assert.Equal("is required", ErrorAt(errors, ".field"));
        Assert.Equal("is required", ErrorAt(errors, ".op"));
    }

    [Fact]
    public void Condition_WithoutOp_NamesIt()
    {
        var errors = Invalid("""{"field": "clv", "value": 1}""");

        Assert.Equal("is required", ErrorAt(errors, ".op"));
        Assert.Single(errors);
    }
}

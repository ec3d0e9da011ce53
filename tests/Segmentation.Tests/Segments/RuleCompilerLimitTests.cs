using System.Text;
using System.Text.Json;
using NpgsqlTypes;
using Platform.ServiceDefaults;
using Segmentation.Features.Segments;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

public sealed class RuleCompilerLimitTests
{
    private static readonly string Leaf = Condition("orders_count", "gt", "0");

    [Fact]
    public void Depth32_Compiles()
    {
        var rule = Valid(NotChain(31)); // 31 nots and the condition: 32 levels

        Assert.StartsWith(string.Concat(Enumerable.Repeat("(", 32)), rule.WhereSql, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth33_IsAnErrorAtTheNodeTooDeep()
    {
        var errors = Invalid(NotChain(32));

        var path = string.Concat(Enumerable.Repeat(".not", 32));
        Assert.Equal($"is nested more than {RuleCompiler.MaxDepth} levels deep", ErrorAt(errors, path));
        Assert.Single(errors);
    }

    [Fact]
    public void NestedAnd32_FitsTheDefaultJsonMaxDepthOf64()
    {
        using var document = JsonDocument.Parse(AndChain(31), new JsonDocumentOptions { MaxDepth = 64 });

        Assert.NotNull(RuleCompiler.Compile(document.RootElement, AsOf, new ValidationErrors()));
    }

    [Fact]
    public void NestedAnd33_WithJsonMaxDepth64_IsRejectedByTheParserFirst()
    {
        // Each and/or level is two JSON levels; the parser's limit of 64 stops 33 levels before the compiler sees them,
        // so an endpoint reading rules with the default limit answers "bad JSON" rather than naming the node.
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(AndChain(32), new JsonDocumentOptions { MaxDepth = 64 }));
    }

    [Fact]
    public void NestedAnd33_WithTheRecommendedJsonMaxDepth_IsAnErrorAtTheNodeTooDeep()
    {
        var errors = Invalid(AndChain(32));

        var path = string.Concat(Enumerable.Repeat(".and[0]", 32));
        Assert.Equal($"is nested more than {RuleCompiler.MaxDepth} levels deep", ErrorAt(errors, path));
    }

    [Fact]
    public void Depth10000_WithJsonMaxDepth64_IsStoppedByTheParser()
    {
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(NotChain(10_000), new JsonDocumentOptions { MaxDepth = 64 }));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(AndChain(10_000), new JsonDocumentOptions { MaxDepth = 64 }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Depth10000_ParsedWithoutALimit_IsOneErrorAndNoDeepRecursion(bool nots)
    {
        // Someone may parse with a huge MaxDepth: the compiler stops at level 33 and never recurses deeper.
        using var document = JsonDocument.Parse(nots ? NotChain(10_000) : AndChain(10_000), new JsonDocumentOptions { MaxDepth = 25_000 });
        var errors = new ValidationErrors();

        var rule = RuleCompiler.Compile(document.RootElement, AsOf, errors);

        Assert.Null(rule);
        var path = string.Concat(Enumerable.Repeat(nots ? ".not" : ".and[0]", 32));
        Assert.Equal([path], errors.ToDictionary().Keys);
    }

    [Fact]
    public void InList_Of10000Items_IsOneArrayParameter()
    {
        var items = string.Join(", ", Enumerable.Range(0, RuleCompiler.MaxListItems));

        var rule = Valid(Condition("birth_year", "in", $"[{items}]"));

        Assert.Equal("(b.birth_year = ANY(@p0))", rule.WhereSql);
        var parameter = Assert.Single(rule.Parameters);
        Assert.Equal(NpgsqlDbType.Array | NpgsqlDbType.Bigint, parameter.NpgsqlDbType);
        Assert.Equal(10_000, Assert.IsType<long[]>(parameter.Value).Length);
    }

    [Fact]
    public void InList_Of10001Items_IsAnError()
    {
        var items = string.Join(", ", Enumerable.Range(0, RuleCompiler.MaxListItems + 1).Select(i => Text(Guid.NewGuid().ToString())));

        var errors = Invalid(Condition("customer_id", "not_in", $"[{items}]"));

        Assert.Equal("must have at most 10000 values (has 10001)", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"DE\"")]
    [InlineData("{\"0\": \"DE\"}")]
    public void InList_ThatIsEmptyOrNotAnArray_IsAnError(string value)
    {
        var errors = Invalid(Condition("country", "in", value));

        Assert.Equal("must be a non-empty array of at most 10000 values", ErrorAt(errors, ".value"));
    }

    [Fact]
    public void Rule_Of1000Nodes_Compiles()
    {
        var rule = Valid(AndOf(RuleCompiler.MaxNodes - 1)); // the and and 999 conditions

        Assert.Equal(999, rule.Parameters.Count);
        Assert.Equal("p998", rule.Parameters[^1].ParameterName);
    }

    [Fact]
    public void Rule_Of1001Nodes_IsAnError()
    {
        var errors = Invalid(AndOf(RuleCompiler.MaxNodes));

        Assert.Equal("has more than 1000 groups and conditions", ErrorAt(errors, ""));
        Assert.Single(errors);
    }

    [Fact]
    public void Rule_Of1001Nodes_CountsNestedNodesToo()
    {
        var errors = Invalid($$"""{"or": [{"and": [{{Leaves(499)}}]}, {"not": {"and": [{{Leaves(498)}}]} }]}"""); // 1 + 1 + 499 + 1 + 1 + 498

        Assert.Equal("has more than 1000 groups and conditions", ErrorAt(errors, ""));
    }

    [Fact]
    public void ManyErrors_StopAtTheLimitWithANote()
    {
        var bad = string.Join(", ", Enumerable.Repeat(Condition("orders_count", "gt", "\"many\""), 500));

        var errors = Invalid($$"""{"and": [{{bad}}]}""");

        Assert.Equal(RuleCompiler.MaxErrors + 1, errors.Count);
        Assert.Equal($"has more than {RuleCompiler.MaxErrors} errors; the first {RuleCompiler.MaxErrors} are reported", ErrorAt(errors, ""));
        Assert.Contains(".and[99].value", errors.Keys);
        Assert.DoesNotContain(".and[100].value", errors.Keys);
    }

    [Fact]
    public void ManyBadListItems_StopAtTheLimitWithANote()
    {
        var items = string.Join(", ", Enumerable.Repeat("\"not a uuid\"", RuleCompiler.MaxListItems));

        var errors = Invalid(Condition("customer_id", "in", $"[{items}]"));

        Assert.Equal(RuleCompiler.MaxErrors + 1, errors.Count);
        Assert.Contains(".value[99]", errors.Keys);
    }

    [Fact]
    public void HugeGroupOfNonRules_StopsAtTheErrorLimit()
    {
        var errors = Invalid($$"""{"or": [{{string.Join(",", Enumerable.Repeat("1", 1_000_000))}}]}""");

        Assert.Equal(RuleCompiler.MaxErrors + 1, errors.Count);
    }

    private static string NotChain(int nots) =>
        new StringBuilder().Insert(0, """{"not": """, nots).Append(Leaf).Append('}', nots).ToString();

    private static string AndChain(int ands) =>
        new StringBuilder().Insert(0, """{"and": [""", ands).Append(Leaf).Append(string.Concat(Enumerable.Repeat("]}", ands))).ToString();

    private static string AndOf(int conditions) => $$"""{"and": [{{Leaves(conditions)}}]}""";

    private static string Leaves(int count) => string.Join(", ", Enumerable.Repeat(Leaf, count));
}

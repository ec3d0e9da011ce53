using System.Text.Json;
using Npgsql;
using Segmentation.Features.Segments;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

public sealed class SegmentFieldsTests
{
    [Fact]
    public void Whitelist_HasExactlyTheDocumentedFieldsAndTypes()
    {
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["customer_id"] = "uuid", ["lifecycle"] = "enum", ["gender"] = "enum", ["birth_year"] = "integer", ["country"] = "text",
            ["region"] = "text", ["join_date"] = "date", ["acquisition_channel"] = "text", ["acquisition_campaign"] = "text",
            ["consent_email"] = "boolean", ["consent_sms"] = "boolean", ["consent_mail"] = "boolean", ["consent_phone"] = "boolean",
            ["orders_count"] = "integer", ["returns_count"] = "integer", ["purchase_days"] = "integer", ["gross_revenue"] = "numeric",
            ["net_revenue"] = "numeric", ["discount_total"] = "numeric", ["margin"] = "numeric", ["average_order_value"] = "numeric",
            ["discounted_share"] = "numeric", ["first_purchase_at"] = "timestamp", ["last_purchase_at"] = "timestamp",
            ["tenure_days"] = "integer", ["recency_score"] = "integer", ["frequency_score"] = "integer", ["monetary_score"] = "integer",
            ["rfm_cell"] = "text", ["value_tier"] = "enum", ["deal_seeker"] = "boolean", ["p_alive"] = "numeric",
            ["expected_purchases"] = "numeric", ["expected_spend"] = "numeric", ["clv"] = "numeric", ["clv_economics"] = "numeric",
            ["churn_risk"] = "enum",
        };

        Assert.Equal(expected, SegmentFields.All.ToDictionary(f => f.Name, f => SegmentFields.TypeName(f.Type), StringComparer.Ordinal));
        Assert.All(SegmentFields.All, f => Assert.True(f.Nullable));
    }

    [Fact]
    public void EveryColumn_IsTheFieldNameOnSegmentBase()
    {
        Assert.All(SegmentFields.All, f =>
        {
            Assert.Equal("b." + f.Name, f.Column);
            Assert.Matches("^[a-z][a-z_]*$", f.Name);
        });
    }

    [Fact]
    public void Enums_HaveTheDocumentedValues()
    {
        Assert.Equal(["prospect", "customer"], Field("lifecycle").AllowedValues);
        Assert.Equal(["female", "male", "other"], Field("gender").AllowedValues);
        Assert.Equal(["top", "middle", "bottom"], Field("value_tier").AllowedValues);
        Assert.Equal(["low", "medium", "high"], Field("churn_risk").AllowedValues);
    }

    [Fact]
    public void Lookup_IsExactAndCaseSensitive()
    {
        Assert.True(SegmentFields.TryGet("net_revenue", out _));
        Assert.False(SegmentFields.TryGet("Net_Revenue", out _));
        Assert.False(SegmentFields.TryGet("b.net_revenue", out _));
    }

    [Fact]
    public void Describe_ListsEachFieldsTypeOperatorsAndValues()
    {
        var described = SegmentFields.Describe().ToDictionary(d => d.Name, StringComparer.Ordinal);

        Assert.Equal(SegmentFields.All.Count, described.Count);
        Assert.Equal("enum", described["value_tier"].Type);
        Assert.Equal(["top", "middle", "bottom"], described["value_tier"].Values!);
        Assert.Equal(["eq", "ne", "in", "not_in", "is_null", "is_not_null"], described["value_tier"].Operators);
        Assert.Null(described["net_revenue"].Values);
        Assert.Equal(["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_null", "is_not_null"], described["net_revenue"].Operators);
        Assert.Equal(["eq", "ne", "in", "not_in", "is_null", "is_not_null", "starts_with"], described["country"].Operators);
        Assert.Equal(["eq", "ne", "is_null", "is_not_null"], described["deal_seeker"].Operators);
        Assert.Equal(["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_null", "is_not_null", "within_last_days"], described["join_date"].Operators);
        Assert.Equal(["eq", "ne", "gt", "gte", "lt", "lte", "between", "is_null", "is_not_null", "within_last_days"], described["last_purchase_at"].Operators);
        Assert.Equal(["eq", "ne", "in", "not_in", "is_null", "is_not_null"], described["customer_id"].Operators);
    }

    [Fact]
    public void Describe_SerializesForTheFieldsEndpoint()
    {
        var json = JsonSerializer.Serialize(SegmentFields.Describe()[1], JsonSerializerOptions.Web);

        Assert.Equal(
            """{"name":"lifecycle","type":"enum","nullable":true,"values":["prospect","customer"],"operators":["eq","ne","in","not_in","is_null","is_not_null"],"description":"Whether the person has bought yet."}""",
            json);
    }

    [Fact]
    public void EveryAllowedOperator_CompilesForEveryField()
    {
        foreach (var field in SegmentFields.All)
        {
            foreach (var op in RuleOperators.AllowedFor(field.Type))
            {
                var rule = Valid(Condition(field.Name, RuleOperators.Name(op), SampleValue(field, op)));
                Assert.Contains(field.Column, rule.WhereSql, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void AddParametersTo_AddsCopiesSoOneRuleServesManyCommands()
    {
        var rule = Valid($$"""{"and": [{{Condition("country", "in", "[\"DE\", \"AT\"]")}}, {{Condition("clv", "gt", "100")}}]}""");
        using var first = new NpgsqlCommand("SELECT b.customer_id FROM segment_base b WHERE " + rule.WhereSql);
        using var second = new NpgsqlCommand("SELECT count(*) FROM segment_base b WHERE " + rule.WhereSql);

        rule.AddParametersTo(first);
        rule.AddParametersTo(second.Parameters);

        foreach (var command in new[] { first, second })
        {
            Assert.Equal(["p0", "p1"], command.Parameters.Select(p => p.ParameterName));
            Assert.Equal(rule.Parameters.Select(p => p.NpgsqlDbType), command.Parameters.Select(p => p.NpgsqlDbType));
            Assert.Equal(rule.Parameters.Select(p => p.Value), command.Parameters.Select(p => p.Value));
            Assert.DoesNotContain(command.Parameters, p => rule.Parameters.Contains(p));
        }
    }

    private static SegmentField Field(string name) => SegmentFields.TryGet(name, out var field) ? field : throw new KeyNotFoundException(name);

    private static string? SampleValue(SegmentField field, RuleOperator op)
    {
        var one = field.Type switch
        {
            SegmentFieldType.Uuid => "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"",
            SegmentFieldType.Text => "\"x\"",
            SegmentFieldType.TextEnum => Text(field.AllowedValues[0]),
            SegmentFieldType.WholeNumber or SegmentFieldType.Numeric => "1",
            SegmentFieldType.Boolean => "true",
            SegmentFieldType.Timestamp => "\"2024-01-01T00:00:00Z\"",
            _ => "\"2024-01-01\"",
        };
        return op switch
        {
            RuleOperator.IsNull or RuleOperator.IsNotNull => null,
            RuleOperator.In or RuleOperator.NotIn or RuleOperator.Between => $"[{one}, {one}]",
            RuleOperator.WithinLastDays => "7",
            _ => one,
        };
    }
}

using NpgsqlTypes;
using Segmentation.Features.Segments;
using static Segmentation.Tests.Segments.Rules;

namespace Segmentation.Tests.Segments;

public sealed class RuleCompilerOperatorTests
{
    private static readonly Guid Id1 = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static readonly Guid Id2 = Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

    public static TheoryData<string, string, NpgsqlDbType, object> OneOfEachType => new()
    {
        { "customer_id", Text(Id1.ToString()), NpgsqlDbType.Uuid, Id1 },
        { "lifecycle", Text("customer"), NpgsqlDbType.Text, "customer" },
        { "country", Text("DE"), NpgsqlDbType.Text, "DE" },
        { "birth_year", "1980", NpgsqlDbType.Bigint, 1980L },
        { "net_revenue", "99.95", NpgsqlDbType.Numeric, 99.95m },
        { "consent_email", "true", NpgsqlDbType.Boolean, true },
        { "join_date", Text("2024-02-29"), NpgsqlDbType.Date, new DateOnly(2024, 2, 29) },
        { "last_purchase_at", Text("2024-05-01T12:00:00+02:00"), NpgsqlDbType.TimestampTz, new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero) },
    };

    [Theory]
    [MemberData(nameof(OneOfEachType))]
    public void Eq_OnEachType_ComparesTheColumnWithOneTypedParameter(string field, string value, NpgsqlDbType type, object expected)
    {
        var rule = Valid(Condition(field, "eq", value));

        Assert.Equal($"(b.{field} = @p0)", rule.WhereSql);
        var parameter = Assert.Single(rule.Parameters);
        Assert.Equal("p0", parameter.ParameterName);
        Assert.Equal(type, parameter.NpgsqlDbType);
        Assert.Equal(expected, parameter.Value);
        Assert.IsType(expected.GetType(), parameter.Value);
    }

    [Theory]
    [MemberData(nameof(OneOfEachType))]
    public void Ne_OnEachType_IsNotEqual(string field, string value, NpgsqlDbType type, object expected)
    {
        var rule = Valid(Condition(field, "ne", value));

        Assert.Equal($"(b.{field} <> @p0)", rule.WhereSql);
        Assert.Equal(type, rule.Parameters[0].NpgsqlDbType);
        Assert.Equal(expected, rule.Parameters[0].Value);
    }

    [Theory]
    [InlineData("orders_count", "gt", "3", ">")]
    [InlineData("orders_count", "gte", "3", ">=")]
    [InlineData("orders_count", "lt", "3", "<")]
    [InlineData("orders_count", "lte", "3", "<=")]
    [InlineData("clv", "gt", "120.5", ">")]
    [InlineData("p_alive", "lte", "0.25", "<=")]
    [InlineData("join_date", "lt", "\"2020-01-01\"", "<")]
    [InlineData("first_purchase_at", "gte", "\"2024-01-01T00:00:00Z\"", ">=")]
    public void OrderingOperators_OnNumbersAndTime_CompileToSqlComparisons(string field, string op, string value, string sql)
    {
        var rule = Valid(Condition(field, op, value));

        Assert.Equal($"(b.{field} {sql} @p0)", rule.WhereSql);
        Assert.Single(rule.Parameters);
    }

    [Fact]
    public void Between_IsInclusiveWithTwoTypedParameters()
    {
        var rule = Valid(Condition("net_revenue", "between", "[10, 20.5]"));

        Assert.Equal("(b.net_revenue BETWEEN @p0 AND @p1)", rule.WhereSql);
        Assert.Equal(["p0", "p1"], rule.Parameters.Select(p => p.ParameterName));
        Assert.All(rule.Parameters, p => Assert.Equal(NpgsqlDbType.Numeric, p.NpgsqlDbType));
        Assert.Equal([10m, 20.5m], rule.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void Between_OnDates_AcceptsMinEqualToMax()
    {
        var rule = Valid(Condition("join_date", "between", """["2024-01-01", "2024-01-01"]"""));

        Assert.Equal("(b.join_date BETWEEN @p0 AND @p1)", rule.WhereSql);
        Assert.All(rule.Parameters, p => Assert.Equal(new DateOnly(2024, 1, 1), p.Value));
    }

    private static readonly string[] Regions = ["Bavaria", "Saxony"];
    private static readonly string[] Tiers = ["top", "middle"];
    private static readonly long[] Years = [1970L, 1980L];
    private static readonly decimal[] Values = [100m, 250.5m];

    public static TheoryData<string, string, NpgsqlDbType, Array> Lists => new()
    {
        { "customer_id", $"[{Text(Id1.ToString())}, {Text(Id2.ToString())}]", NpgsqlDbType.Uuid, new[] { Id1, Id2 } },
        { "region", """["Bavaria", "Saxony"]""", NpgsqlDbType.Text, Regions },
        { "value_tier", """["top", "middle"]""", NpgsqlDbType.Text, Tiers },
        { "birth_year", "[1970, 1980]", NpgsqlDbType.Bigint, Years },
        { "clv", "[100, 250.5]", NpgsqlDbType.Numeric, Values },
        { "join_date", """["2024-01-01", "2024-12-31"]""", NpgsqlDbType.Date, new[] { new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31) } },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void In_CompilesToEqualsAnyWithOneArrayParameter(string field, string list, NpgsqlDbType elementType, Array expected)
    {
        var rule = Valid(Condition(field, "in", list));

        Assert.Equal($"(b.{field} = ANY(@p0))", rule.WhereSql);
        var parameter = Assert.Single(rule.Parameters);
        Assert.Equal(NpgsqlDbType.Array | elementType, parameter.NpgsqlDbType);
        Assert.IsType(expected.GetType(), parameter.Value);
        Assert.Equal(expected.Cast<object>(), ((Array)parameter.Value!).Cast<object>());
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void NotIn_CompilesToDiffersFromAllWithOneArrayParameter(string field, string list, NpgsqlDbType elementType, Array expected)
    {
        var rule = Valid(Condition(field, "not_in", list));

        Assert.Equal($"(b.{field} <> ALL(@p0))", rule.WhereSql);
        var parameter = Assert.Single(rule.Parameters);
        Assert.Equal(NpgsqlDbType.Array | elementType, parameter.NpgsqlDbType);
        Assert.Equal(expected.Cast<object>(), ((Array)parameter.Value!).Cast<object>());
    }

    [Theory]
    [InlineData("customer_id")]
    [InlineData("gender")]
    [InlineData("consent_sms")]
    [InlineData("p_alive")]
    [InlineData("last_purchase_at")]
    public void IsNullAndIsNotNull_TakeNoParameters(string field)
    {
        var isNull = Valid(Condition(field, "is_null", null));
        var isNotNull = Valid(Condition(field, "is_not_null", null));

        Assert.Equal($"(b.{field} IS NULL)", isNull.WhereSql);
        Assert.Equal($"(b.{field} IS NOT NULL)", isNotNull.WhereSql);
        Assert.Empty(isNull.Parameters);
        Assert.Empty(isNotNull.Parameters);
    }

    [Fact]
    public void StartsWith_UsesThePostgresFunctionSoWildcardsStayLiteral()
    {
        var rule = Valid(Condition("rfm_cell", "starts_with", Text("5%_")));

        Assert.Equal("(starts_with(b.rfm_cell, @p0))", rule.WhereSql);
        Assert.DoesNotContain("LIKE", rule.WhereSql, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("5%_", rule.Parameters[0].Value);
        Assert.Equal(NpgsqlDbType.Text, rule.Parameters[0].NpgsqlDbType);
    }

    [Fact]
    public void WithinLastDays_OnTimestamp_IsBetweenAsOfMinusNDaysAndAsOf()
    {
        var rule = Valid(Condition("last_purchase_at", "within_last_days", "30"));

        Assert.Equal("(b.last_purchase_at BETWEEN @p0 AND @p1)", rule.WhereSql);
        Assert.All(rule.Parameters, p => Assert.Equal(NpgsqlDbType.TimestampTz, p.NpgsqlDbType));
        Assert.Equal(new DateTimeOffset(2025, 2, 13, 10, 30, 0, TimeSpan.Zero), rule.Parameters[0].Value);
        Assert.Equal(AsOf, rule.Parameters[1].Value);
    }

    [Fact]
    public void WithinLastDays_FollowsTheAsOfGiven()
    {
        var first = Valid(Condition("last_purchase_at", "within_last_days", "7"), new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var later = Valid(Condition("last_purchase_at", "within_last_days", "7"), new DateTimeOffset(2024, 6, 10, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero), first.Parameters[0].Value);
        Assert.Equal(new DateTimeOffset(2024, 6, 3, 0, 0, 0, TimeSpan.Zero), later.Parameters[0].Value);
    }

    [Fact]
    public void WithinLastDays_WithAnOffsetAsOf_PassesUtcValues()
    {
        var asOf = new DateTimeOffset(2025, 3, 15, 12, 30, 0, TimeSpan.FromHours(2));

        var rule = Valid(Condition("last_purchase_at", "within_last_days", "1"), asOf);

        var to = Assert.IsType<DateTimeOffset>(rule.Parameters[1].Value);
        Assert.Equal(TimeSpan.Zero, to.Offset);
        Assert.Equal(new DateTimeOffset(2025, 3, 15, 10, 30, 0, TimeSpan.Zero), to);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 10, 30, 0, TimeSpan.Zero), rule.Parameters[0].Value);
    }

    [Fact]
    public void WithinLastDays_OnDate_CountsDaysFromAsOfsUtcDate()
    {
        // 23:30 in New York is already the next day in UTC
        var asOf = new DateTimeOffset(2025, 3, 15, 23, 30, 0, TimeSpan.FromHours(-5));

        var rule = Valid(Condition("join_date", "within_last_days", "7"), asOf);

        Assert.Equal("(b.join_date BETWEEN @p0 AND @p1)", rule.WhereSql);
        Assert.All(rule.Parameters, p => Assert.Equal(NpgsqlDbType.Date, p.NpgsqlDbType));
        Assert.Equal(new DateOnly(2025, 3, 9), rule.Parameters[0].Value);
        Assert.Equal(new DateOnly(2025, 3, 16), rule.Parameters[1].Value);
    }

    [Fact]
    public void WithinLastDays_Zero_IsJustAsOf()
    {
        var rule = Valid(Condition("last_purchase_at", "within_last_days", "0"));

        Assert.Equal(AsOf, rule.Parameters[0].Value);
        Assert.Equal(AsOf, rule.Parameters[1].Value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"30\"")]
    [InlineData("100001")]
    [InlineData("[1, 2]")]
    public void WithinLastDays_NeedsAWholeNumberOfDaysInRange(string value)
    {
        var errors = Invalid(Condition("last_purchase_at", "within_last_days", value));

        Assert.Equal($"must be a whole number of days from 0 to {RuleCompiler.MaxDays}", ErrorAt(errors, ".value"));
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00Z")]
    [InlineData("2024-05-01T12:00Z")]
    [InlineData("2024-05-01T14:00:00+02:00")]
    [InlineData("2024-05-01T07:00:00.0000000-05:00")]
    public void Timestamp_WithAnOffset_IsPassedAsUtc(string value)
    {
        var rule = Valid(Condition("last_purchase_at", "lt", Text(value)));

        var parameter = Assert.IsType<DateTimeOffset>(rule.Parameters[0].Value);
        Assert.Equal(TimeSpan.Zero, parameter.Offset);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), parameter);
    }

    [Theory]
    [InlineData("country", "gt", "text")]
    [InlineData("rfm_cell", "between", "text")]
    [InlineData("value_tier", "starts_with", "enum")]
    [InlineData("net_revenue", "starts_with", "numeric")]
    [InlineData("orders_count", "within_last_days", "integer")]
    [InlineData("consent_email", "in", "boolean")]
    [InlineData("deal_seeker", "gt", "boolean")]
    [InlineData("customer_id", "lt", "uuid")]
    [InlineData("last_purchase_at", "in", "timestamp")]
    public void Operator_NotMadeForTheFieldsType_IsAnErrorNamingTheAllowedOnes(string field, string op, string type)
    {
        var errors = Invalid(Condition(field, op, "1"));

        var message = ErrorAt(errors, ".op");
        Assert.StartsWith($"\"{op}\" is not allowed for {field} ({type}); allowed: ", message, StringComparison.Ordinal);
        Assert.Single(errors); // the value is not judged against an operator that does not apply
    }

    [Fact]
    public void Operator_NotAllowed_ListsExactlyTheFieldsOperators()
    {
        var errors = Invalid(Condition("country", "gt", Text("DE")));

        Assert.Equal("\"gt\" is not allowed for country (text); allowed: eq, ne, in, not_in, is_null, is_not_null, starts_with", ErrorAt(errors, ".op"));
    }

    [Theory]
    [InlineData("\"equals\"")]
    [InlineData("\"EQ\"")]
    [InlineData("\"like\"")]
    [InlineData("1")]
    [InlineData("null")]
    public void UnknownOperator_IsAnErrorListingTheFieldsOperators(string op)
    {
        var errors = Invalid($$"""{"field": "orders_count", "op": {{op}}, "value": 1}""");

        Assert.Equal("must be one of: eq, ne, gt, gte, lt, lte, between, in, not_in, is_null, is_not_null", ErrorAt(errors, ".op"));
    }
}

using System.Text.Json;
using Npgsql;

namespace Segmentation.Features.Segments;

/// <summary>What a segment looks like: size, share of customers and revenue, CLV, tier and RFM mix.</summary>
public sealed record SegmentStatistics(
    long Size,
    long Customers,
    double CustomerShare,
    decimal Revenue,
    double RevenueShare,
    double? AverageClv,
    IReadOnlyDictionary<string, long> TierMix,
    IReadOnlyDictionary<string, long> RecencyMix,
    IReadOnlyDictionary<string, long> FrequencyMix,
    IReadOnlyDictionary<string, long> MonetaryMix);

/// <summary>A few members, to check a rule picks whom the marketer meant.</summary>
public sealed record SampleMember(Guid CustomerId, string Lifecycle, string? Country, int? OrdersCount, decimal? NetRevenue, string? ValueTier, string? RfmCell, double? Clv);

/// <summary>Runs a compiled rule over <see cref="SegmentBase"/>: statistics and sample members.</summary>
public static class SegmentQueries
{
    // {0} is the compiled rule's WHERE expression (column names and @pN placeholders only); mixes are counted once
    // over the members CTE (materialized, referenced several times). Members without a tier or score count as "none".
    private const string StatisticsSqlTemplate = """
        WITH members AS MATERIALIZED (
            SELECT b.customer_id, b.net_revenue, b.value_tier, b.clv, b.recency_score, b.frequency_score, b.monetary_score
            FROM {1} WHERE {0}
        )
        SELECT (SELECT count(*) FROM members),
               (SELECT count(*) FROM customer_profiles),
               (SELECT coalesce(sum(net_revenue), 0) FROM members),
               (SELECT coalesce(sum(u.net_revenue), 0) FROM customer_purchases u JOIN customer_profiles p USING (customer_id)),
               (SELECT avg(clv) FROM members),
               (SELECT coalesce(jsonb_object_agg(k, n), '{}')::text FROM (SELECT coalesce(value_tier, 'none') k, count(*) n FROM members GROUP BY 1) t),
               (SELECT coalesce(jsonb_object_agg(k, n), '{}')::text FROM (SELECT coalesce(recency_score::text, 'none') k, count(*) n FROM members GROUP BY 1) t),
               (SELECT coalesce(jsonb_object_agg(k, n), '{}')::text FROM (SELECT coalesce(frequency_score::text, 'none') k, count(*) n FROM members GROUP BY 1) t),
               (SELECT coalesce(jsonb_object_agg(k, n), '{}')::text FROM (SELECT coalesce(monetary_score::text, 'none') k, count(*) n FROM members GROUP BY 1) t)
        """;

    private const string SampleSqlTemplate = """
        SELECT b.customer_id, b.lifecycle, b.country, b.orders_count, b.net_revenue, b.value_tier, b.rfm_cell, b.clv
        FROM {1} WHERE {0}
        ORDER BY b.customer_id
        LIMIT @sample_size
        """;

    /// <summary>Statistics of the customers matching <paramref name="rule"/> now.</summary>
    public static async Task<SegmentStatistics> StatisticsAsync(NpgsqlConnection connection, CompiledRule rule, DateTimeOffset asOf, double marginRate, CancellationToken ct)
    {
        await using var command = Command(connection, StatisticsSqlTemplate, rule, asOf, marginRate);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var size = reader.GetInt64(0);
        var customers = reader.GetInt64(1);
        var revenue = reader.GetDecimal(2);
        var totalRevenue = reader.GetDecimal(3);
        return new SegmentStatistics(
            size,
            customers,
            customers == 0 ? 0 : (double)size / customers,
            revenue,
            totalRevenue == 0 ? 0 : (double)(revenue / totalRevenue),
            reader.IsDBNull(4) ? null : reader.GetDouble(4),
            Mix(reader.GetString(5)),
            Mix(reader.GetString(6)),
            Mix(reader.GetString(7)),
            Mix(reader.GetString(8)));
    }

    /// <summary>Up to <paramref name="size"/> members, in customer id order (stable between calls).</summary>
    public static async Task<List<SampleMember>> SampleAsync(NpgsqlConnection connection, CompiledRule rule, DateTimeOffset asOf, double marginRate, int size, CancellationToken ct)
    {
        await using var command = Command(connection, SampleSqlTemplate, rule, asOf, marginRate);
        command.Parameters.AddWithValue("sample_size", size);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sample = new List<SampleMember>();
        while (await reader.ReadAsync(ct))
        {
            sample.Add(new SampleMember(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7)));
        }

        return sample;
    }

    /// <summary>A command over the base filtered by the rule: {0} = WHERE expression, {1} = the base subquery.</summary>
    internal static NpgsqlCommand Command(NpgsqlConnection connection, string template, CompiledRule rule, DateTimeOffset asOf, double marginRate, NpgsqlTransaction? tx = null)
    {
        // Replace, not string.Format: the templates hold JSON braces. {1} first, so nothing in the base is read as {0}.
        var sql = template.Replace("{1}", SegmentBase.Sql, StringComparison.Ordinal).Replace("{0}", rule.WhereSql, StringComparison.Ordinal);
        var command = new NpgsqlCommand(sql, connection, tx);
        rule.AddParametersTo(command);
        SegmentBase.AddParameters(command, asOf, marginRate);
        return command;
    }

    private static Dictionary<string, long> Mix(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [];
}

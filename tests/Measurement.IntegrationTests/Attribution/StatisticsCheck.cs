using Platform.Testing;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>
/// The maintained statistics recomputed from their sources by a plain GROUP BY (members for cell_stats and
/// step_responders, targeted_customers for global_control_stats): each query returns the keys where the maintained rows
/// and the recomputation differ, so an empty answer means they agree. Keys whose maintained counts went back to zero
/// (members moved to another key) match an absent group.
/// </summary>
internal static class StatisticsCheck
{
    public const string CellStatsMismatchSql = """
        WITH recomputed AS (
            SELECT campaign_id, cell, wave, coalesce(value_tier, '') AS value_tier, contacted,
                   count(*) AS members, count(*) FILTER (WHERE reached) AS reached, count(*) FILTER (WHERE responded) AS responders,
                   count(*) FILTER (WHERE converted) AS converters, count(*) FILTER (WHERE redeemed) AS redeemers,
                   count(*) FILTER (WHERE active_after_90) AS active_after_90, sum(orders) AS orders,
                   sum(revenue) AS revenue_sum, sum(revenue * revenue) AS revenue_sq,
                   sum(margin) AS margin_sum, sum(margin * margin) AS margin_sq,
                   sum(margin - contact_cost - offer_cost) AS profit_sum, sum((margin - contact_cost - offer_cost) * (margin - contact_cost - offer_cost)) AS profit_sq,
                   sum(contact_cost + offer_cost) AS cost_sum, sum((contact_cost + offer_cost) * (contact_cost + offer_cost)) AS cost_sq,
                   sum((margin - contact_cost - offer_cost) * (contact_cost + offer_cost)) AS profit_cost,
                   sum(contact_cost) AS contact_cost_sum, sum(offer_cost) AS offer_cost_sum,
                   sum(pre_revenue) AS x_sum, sum(pre_revenue * pre_revenue) AS x_sq, sum(pre_revenue * revenue) AS x_revenue,
                   sum(pre_revenue * margin) AS x_margin, sum(pre_revenue * (margin - contact_cost - offer_cost)) AS x_profit,
                   sum(pre_revenue) FILTER (WHERE responded) AS x_responders, sum(pre_revenue) FILTER (WHERE converted) AS x_converters
            FROM members WHERE window_start IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5
        ),
        maintained AS (SELECT * FROM cell_stats WHERE members <> 0 OR revenue_sum <> 0 OR x_sum <> 0 OR cost_sum <> 0)
        SELECT coalesce(r.campaign_id, m.campaign_id)::text || '/' || coalesce(r.cell, m.cell)
        FROM recomputed r FULL JOIN maintained m USING (campaign_id, cell, wave, value_tier, contacted)
        WHERE (r.members, r.reached, r.responders, r.converters, r.redeemers, r.active_after_90, r.orders, r.revenue_sum, r.revenue_sq,
               r.margin_sum, r.margin_sq, r.profit_sum, r.profit_sq, r.cost_sum, r.cost_sq, r.profit_cost, r.contact_cost_sum,
               r.offer_cost_sum, r.x_sum, r.x_sq, r.x_revenue, r.x_margin, r.x_profit, coalesce(r.x_responders, 0), coalesce(r.x_converters, 0))
              IS DISTINCT FROM
              (m.members, m.reached, m.responders, m.converters, m.redeemers, m.active_after_90, m.orders, m.revenue_sum, m.revenue_sq,
               m.margin_sum, m.margin_sq, m.profit_sum, m.profit_sq, m.cost_sum, m.cost_sq, m.profit_cost, m.contact_cost_sum,
               m.offer_cost_sum, m.x_sum, m.x_sq, m.x_revenue, m.x_margin, m.x_profit, m.x_responders, m.x_converters)
        """;

    public const string StepRespondersMismatchSql = """
        WITH recomputed AS (
            SELECT m.campaign_id, m.cell, m.wave, s.step, count(*) AS responders
            FROM members m CROSS JOIN generate_series(1, 31) AS s(step)
            WHERE m.window_start IS NOT NULL AND (m.responded_steps >> (s.step - 1)) & 1 = 1
            GROUP BY 1, 2, 3, 4
        )
        SELECT coalesce(r.campaign_id, m.campaign_id)::text
        FROM recomputed r FULL JOIN (SELECT * FROM step_responders WHERE responders <> 0) m USING (campaign_id, cell, wave, step)
        WHERE r.responders IS DISTINCT FROM m.responders
        """;

    public const string GlobalControlMismatchSql = """
        WITH recomputed AS (
            SELECT global_control, count(*) AS customers, count(*) FILTER (WHERE buyer) AS buyers, sum(revenue) AS revenue_sum,
                   sum(revenue * revenue) AS revenue_sq, sum(pre_revenue) AS x_sum, sum(pre_revenue * pre_revenue) AS x_sq,
                   sum(pre_revenue * revenue) AS x_revenue, coalesce(sum(pre_revenue) FILTER (WHERE buyer), 0) AS x_buyers
            FROM targeted_customers GROUP BY 1
        )
        SELECT coalesce(r.global_control, m.global_control)::text
        FROM recomputed r FULL JOIN (SELECT * FROM global_control_stats WHERE customers <> 0) m USING (global_control)
        WHERE (r.customers, r.buyers, r.revenue_sum, r.revenue_sq, r.x_sum, r.x_sq, r.x_revenue, r.x_buyers)
              IS DISTINCT FROM (m.customers, m.buyers, m.revenue_sum, m.revenue_sq, m.x_sum, m.x_sq, m.x_revenue, m.x_buyers)
        """;

    /// <summary>Asserts that every maintained statistic equals its recomputation.</summary>
    public static async Task AssertConsistentAsync(ServiceTestHost<Program> host)
    {
        Assert.Empty(await host.QueryAsync<string>(CellStatsMismatchSql));
        Assert.Empty(await host.QueryAsync<string>(StepRespondersMismatchSql));
        Assert.Empty(await host.QueryAsync<string>(GlobalControlMismatchSql));
    }
}

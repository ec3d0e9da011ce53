namespace Measurement.Features.Results;

/// <summary>One row of <c>cell_stats</c>: the sufficient statistics of the members of a (cell, wave, value tier, contacted).</summary>
public sealed record CellStatsRow(
    string Cell, int Wave, string ValueTier, bool Contacted,
    long Members, long Reached, long Responders, long Converters, long Redeemers, long ActiveAfter90, long Orders,
    double RevenueSum, double RevenueSq, double MarginSum, double MarginSq, double ProfitSum, double ProfitSq,
    double CostSum, double CostSq, double ProfitCost, double ContactCostSum, double OfferCostSum,
    double XSum, double XSq, double XRevenue, double XMargin, double XProfit, double XResponders, double XConverters)
{
    public const string SelectSql = """
        SELECT cell, wave, value_tier AS ValueTier, contacted, members, reached, responders, converters, redeemers,
               active_after_90 AS ActiveAfter90, orders,
               revenue_sum::float8 AS RevenueSum, revenue_sq::float8 AS RevenueSq, margin_sum::float8 AS MarginSum, margin_sq::float8 AS MarginSq,
               profit_sum::float8 AS ProfitSum, profit_sq::float8 AS ProfitSq, cost_sum::float8 AS CostSum, cost_sq::float8 AS CostSq,
               profit_cost::float8 AS ProfitCost, contact_cost_sum::float8 AS ContactCostSum, offer_cost_sum::float8 AS OfferCostSum,
               x_sum::float8 AS XSum, x_sq::float8 AS XSq, x_revenue::float8 AS XRevenue, x_margin::float8 AS XMargin, x_profit::float8 AS XProfit,
               x_responders::float8 AS XResponders, x_converters::float8 AS XConverters
        FROM cell_stats WHERE campaign_id = @campaignId AND members <> 0
        """;
}

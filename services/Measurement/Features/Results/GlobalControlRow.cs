namespace Measurement.Features.Results;

/// <summary>A row of <c>global_control_stats</c>: the targeted customers inside (true) or outside the global control.</summary>
public sealed record GlobalControlRow(
    bool GlobalControl, long Customers, long Buyers, double RevenueSum, double RevenueSq, double XSum, double XSq, double XRevenue, double XBuyers)
{
    public const string SelectSql = """
        SELECT global_control AS GlobalControl, customers, buyers, revenue_sum::float8 AS RevenueSum, revenue_sq::float8 AS RevenueSq,
               x_sum::float8 AS XSum, x_sq::float8 AS XSq, x_revenue::float8 AS XRevenue, x_buyers::float8 AS XBuyers
        FROM global_control_stats
        """;

    public Platform.Numerics.Statistics.Moments Buyer => new(Customers, Buyers, Buyers, XSum, XSq, XBuyers);

    public Platform.Numerics.Statistics.Moments Revenue => new(Customers, RevenueSum, RevenueSq, XSum, XSq, XRevenue);
}

namespace Segmentation.Features.Profiles;

/// <summary>The margin of a customer's purchases, one definition for profiles, segments and scoring.</summary>
public static class PurchaseMargin
{
    /// <summary>Name of the parameter the margin SQL reads: the margin rate of orders without a known cost (numeric).</summary>
    public const string RateParameter = "margin_rate";

    /// <summary>
    /// SQL over the purchase columns <c>net_revenue</c>, <c>cost_total</c> and <c>costed_net_revenue</c>: net revenue minus
    /// known costs, where orders without a cost count at the default margin rate (<c>@margin_rate</c>).
    /// </summary>
    public const string Sql = "net_revenue - cost_total - (net_revenue - costed_net_revenue) * (1 - @" + RateParameter + ")";
}

using Platform.Numerics.Statistics;

namespace Measurement.Features.Results;

/// <summary>
/// Sums of <see cref="CellStatsRow"/>s (a cell's waves, tiers and contacted values, or a part of them), with the moments
/// each comparison needs: 0/1 outcomes as rates with the covariate's cross-products (Σx over the successes), money as
/// Σy, Σy² with Σx, Σx², Σxy.
/// </summary>
public sealed class StatsTotals
{
    public long Members { get; private set; }
    public long Contacted { get; private set; }
    public long Reached { get; private set; }
    public long Responders { get; private set; }
    public long Converters { get; private set; }
    public long Redeemers { get; private set; }
    public long ActiveAfter90 { get; private set; }
    public long Orders { get; private set; }
    public double RevenueSum { get; private set; }
    public double RevenueSq { get; private set; }
    public double MarginSum { get; private set; }
    public double MarginSq { get; private set; }
    public double ProfitSum { get; private set; }
    public double ProfitSq { get; private set; }
    public double CostSum { get; private set; }
    public double CostSq { get; private set; }
    public double ProfitCost { get; private set; }
    public double ContactCost { get; private set; }
    public double OfferCost { get; private set; }
    public double XSum { get; private set; }
    public double XSq { get; private set; }
    public double XRevenue { get; private set; }
    public double XMargin { get; private set; }
    public double XProfit { get; private set; }
    public double XResponders { get; private set; }
    public double XConverters { get; private set; }

    public Moments Reach => Moments.Rate(Members, Reached);
    public Moments Response => new(Members, Responders, Responders, XSum, XSq, XResponders);
    public Moments Conversion => new(Members, Converters, Converters, XSum, XSq, XConverters);
    public Moments Active => Moments.Rate(Members, ActiveAfter90);
    public Moments Revenue => new(Members, RevenueSum, RevenueSq, XSum, XSq, XRevenue);
    public Moments Margin => new(Members, MarginSum, MarginSq, XSum, XSq, XMargin);
    public Moments Profit => new(Members, ProfitSum, ProfitSq, XSum, XSq, XProfit);
    public Moments Cost => new(Members, CostSum, CostSq);
    public CostView Costs => new(ContactCost, OfferCost, ContactCost + OfferCost);

    public static StatsTotals Of(IEnumerable<CellStatsRow> rows)
    {
        var t = new StatsTotals();
        foreach (var r in rows)
        {
            t.Members += r.Members;
            t.Contacted += r.Contacted ? r.Members : 0;
            t.Reached += r.Reached;
            t.Responders += r.Responders;
            t.Converters += r.Converters;
            t.Redeemers += r.Redeemers;
            t.ActiveAfter90 += r.ActiveAfter90;
            t.Orders += r.Orders;
            t.RevenueSum += r.RevenueSum;
            t.RevenueSq += r.RevenueSq;
            t.MarginSum += r.MarginSum;
            t.MarginSq += r.MarginSq;
            t.ProfitSum += r.ProfitSum;
            t.ProfitSq += r.ProfitSq;
            t.CostSum += r.CostSum;
            t.CostSq += r.CostSq;
            t.ProfitCost += r.ProfitCost;
            t.ContactCost += r.ContactCostSum;
            t.OfferCost += r.OfferCostSum;
            t.XSum += r.XSum;
            t.XSq += r.XSq;
            t.XRevenue += r.XRevenue;
            t.XMargin += r.XMargin;
            t.XProfit += r.XProfit;
            t.XResponders += r.XResponders;
            t.XConverters += r.XConverters;
        }

        return t;
    }
}

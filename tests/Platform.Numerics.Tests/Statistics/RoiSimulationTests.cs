using MathNet.Numerics.Distributions;
using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>
/// The delta-method ROI interval covers the true ROI about 95% of the time, with random offer costs (paid only on
/// redemption) and zero-heavy margins, as campaigns have them.
/// </summary>
public sealed class RoiSimulationTests
{
    private const int Runs = 1_000;
    private const double ContactCost = 0.8;
    private const double OfferCost = 5.0;
    private const double Redemption = 0.08;
    private const double OrganicBuyers = 0.05;
    private const double ControlBuyers = 0.06;
    private const double Mu = 3.6;
    private const double Sigma = 0.8;

    [Fact]
    public void RoiInterval_CoversTheTrueRoi()
    {
        var basket = Math.Exp(Mu + (Sigma * Sigma / 2));
        var buyersTreated = Redemption + ((1 - Redemption) * OrganicBuyers);
        var cost = ContactCost + (Redemption * OfferCost);
        var trueRoi = ((buyersTreated * basket) - cost - (ControlBuyers * basket)) / cost;
        var random = new Random(401);
        var covered = 0;
        for (var run = 0; run < Runs; run++)
        {
            var (profit, costs, cross) = Treated(random, 4_000);
            var roi = Ratios.ReturnOnInvestment(profit, costs, cross, Control(random, 1_000));
            covered += roi!.Interval.Contains(trueRoi) ? 1 : 0;
        }

        Assert.InRange(covered, 930, 970);
    }

    [Fact]
    public void Roi_IsNull_WhenTheTreatmentCostNothing()
    {
        var free = new Moments(10, 0, 0);

        Assert.Null(Ratios.ReturnOnInvestment(new Moments(10, 50, 400), free, 0, new Moments(10, 40, 300)));
    }

    [Fact]
    public void CostPerIncrement_InvertsTheIncrementsInterval()
    {
        var sure = Ratios.CostPerIncrement(1_000, 50, new Interval(20, 80));
        var maybe = Ratios.CostPerIncrement(1_000, 50, new Interval(-10, 110));
        var none = Ratios.CostPerIncrement(1_000, -5, new Interval(-30, -1));

        Assert.Equal(20, sure.Estimate);
        Assert.Equal(new Interval(12.5, 50), sure.Interval);
        Assert.Equal(new Interval(1_000 / 110.0, double.PositiveInfinity), maybe.Interval);
        Assert.Null(none.Estimate);
        Assert.Equal(new Interval(double.PositiveInfinity, double.PositiveInfinity), none.Interval);
    }

    private static (Moments Profit, Moments Cost, double Cross) Treated(Random random, int n)
    {
        double sp = 0, spp = 0, sc = 0, scc = 0, spc = 0;
        for (var i = 0; i < n; i++)
        {
            var redeemed = random.NextDouble() < Redemption;
            var buys = redeemed || random.NextDouble() < OrganicBuyers;
            var margin = buys ? LogNormal.Sample(random, Mu, Sigma) : 0;
            var cost = ContactCost + (redeemed ? OfferCost : 0);
            var profit = margin - cost;
            (sp, spp, sc, scc, spc) = (sp + profit, spp + (profit * profit), sc + cost, scc + (cost * cost), spc + (profit * cost));
        }

        return (new Moments(n, sp, spp), new Moments(n, sc, scc), spc);
    }

    private static Moments Control(Random random, int n)
    {
        double s = 0, ss = 0;
        for (var i = 0; i < n; i++)
        {
            var margin = random.NextDouble() < ControlBuyers ? LogNormal.Sample(random, Mu, Sigma) : 0;
            (s, ss) = (s + margin, ss + (margin * margin));
        }

        return new Moments(n, s, ss);
    }
}

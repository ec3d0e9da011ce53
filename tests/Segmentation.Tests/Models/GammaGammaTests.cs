using System.Globalization;
using Platform.Numerics;
using Segmentation.Features.Models;
using Xunit.Abstractions;

namespace Segmentation.Tests.Models;

public sealed class GammaGammaTests(ITestOutputHelper output)
{
    private static readonly GammaGammaParameters Published = new(6.25, 3.74, 15.44);

    [Fact]
    public void Fit_OnCdnowRepeatBuyers_ReproducesPublishedParameters()
    {
        var fit = GammaGamma.Fit([.. Cdnow.FromTransactions.Values]);
        output.WriteLine(Describe(fit));

        Assert.True(fit.Converged);
        Assert.Equal(946, fit.CustomersUsed);
        Assert.Equal(6.25, fit.Parameters.P, 0.02);
        Assert.Equal(3.74, fit.Parameters.Q, 0.02);
        Assert.Equal(15.44, fit.Parameters.Gamma, 0.02);
    }

    [Fact]
    public void Fit_OnSimulatedSpend_RecoversTheParameters()
    {
        var purchases = BgNbd.Simulate(Cdnow.PublishedBgNbd, 50_000, 104, seed: 3);
        var withSpend = GammaGamma.Simulate(Published, purchases, seed: 4);
        var fit = GammaGamma.Fit(withSpend);
        output.WriteLine(Describe(fit));

        Assert.True(fit.Converged);
        Assert.Equal(withSpend.Count(h => h.Frequency > 0), fit.CustomersUsed);
        // p, q and γ trade off along a ridge, so each alone is loose; the mean spend pγ/(q−1) is sharp.
        Assert.Equal(Published.P, fit.Parameters.P, 0.15 * Published.P);
        Assert.Equal(Published.Q, fit.Parameters.Q, 0.25 * Published.Q);
        Assert.Equal(Published.Gamma, fit.Parameters.Gamma, 0.3 * Published.Gamma);
        var populationMean = GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(0, 0, 1));
        Assert.Equal(populationMean, GammaGamma.ExpectedAverageSpend(fit.Parameters, new PurchaseHistory(0, 0, 1)), 0.05 * populationMean);
        Assert.True(fit.LogLikelihood >= GammaGamma.LogLikelihood(Published, withSpend) - 1e-6);
    }

    [Theory]
    [InlineData(1, 20.0)]
    [InlineData(4, 35.5)]
    [InlineData(60, 12.0)]
    public void LogLikelihoodGradient_MatchesCentralDifferences(int x, double spend)
    {
        var h = new PurchaseHistory(x, 1, 2, spend);
        foreach (var p in new[] { Published, new GammaGammaParameters(1.2, 0.8, 40) })
        {
            var analytic = GammaGamma.LogLikelihoodGradient(p, h);
            double D(Func<double, GammaGammaParameters> at, double v) =>
                (GammaGamma.LogLikelihood(at(v * (1 + 1e-6)), h) - GammaGamma.LogLikelihood(at(v * (1 - 1e-6)), h)) / (2e-6 * v);
            Assert.Equal(D(v => p with { P = v }, p.P), analytic.P, 1e-6 * Math.Max(1, Math.Abs(analytic.P)));
            Assert.Equal(D(v => p with { Q = v }, p.Q), analytic.Q, 1e-6 * Math.Max(1, Math.Abs(analytic.Q)));
            Assert.Equal(D(v => p with { Gamma = v }, p.Gamma), analytic.Gamma, 1e-6 * Math.Max(1, Math.Abs(analytic.Gamma)));
        }
    }

    [Fact]
    public void Fit_OnSpendWithoutVariation_IsDegenerate_WithTheReason()
    {
        // Every order the same amount: only the mean spend is identified, and the optimizer used to stop "converged"
        // with p in the millions.
        var constant = Cdnow.FromTransactions.Values.Select(h => h.HasRepeatSpend ? h with { AverageRepeatSpend = 25.0 } : h).ToArray();
        var fit = GammaGamma.Fit(constant);
        output.WriteLine(Describe(fit));

        Assert.False(fit.Converged);
        Assert.Equal(FitStatus.Degenerate, fit.Verdict.Status);
        Assert.Contains("spend without variation", fit.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnNearlyConstantSpend_RunsToTheEdge_AndIsDegenerate()
    {
        // A cent of spread in thousands of orders: the data still say nothing about the spread parameters.
        var nearlyConstant = Cdnow.FromTransactions.Values
            .Select((h, i) => h.HasRepeatSpend ? h with { AverageRepeatSpend = 25.0 + (i % 2 == 0 ? 0.0 : 1e-6) } : h).ToArray();
        var fit = GammaGamma.Fit(nearlyConstant);
        output.WriteLine(Describe(fit));

        Assert.Equal(FitStatus.Degenerate, fit.Verdict.Status);
        Assert.False(string.IsNullOrEmpty(fit.Verdict.Reason));
    }

    [Fact]
    public void Fit_OnTooFewRepeatBuyers_IsDegenerate()
    {
        var few = Cdnow.FromTransactions.Values.Where(h => h.HasRepeatSpend).Take(GammaGamma.MinimumCustomers - 1).ToArray();
        var fit = GammaGamma.Fit(few);

        Assert.Equal(FitStatus.Degenerate, fit.Verdict.Status);
        Assert.Contains("repeat buyers", fit.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DataSetLogLikelihood_EqualsSumOverRepeatBuyers()
    {
        var histories = Cdnow.FromTransactions.Values.ToList();
        var sum = histories.Where(h => h.Frequency > 0).Sum(h => GammaGamma.LogLikelihood(Published, h));
        Assert.Equal(sum, GammaGamma.LogLikelihood(Published, histories), 1e-9 * Math.Abs(sum));
    }

    [Fact]
    public void ExpectedAverageSpend_AtAKnownPoint_FollowsTheFormula() =>
        // p (γ + x m̄) / (p x + q − 1) = 6.25 (15.44 + 60) / 15.24
        Assert.Equal(30.93832020997375, GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(2, 10, 20, 30)), 1e-12);

    [Fact]
    public void ExpectedAverageSpend_WithoutRepeatPurchases_IsThePopulationMean()
    {
        // p γ / (q − 1) = 6.25 × 15.44 / 2.74
        Assert.Equal(35.21897810218978, GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(0, 0, 20)), 1e-12);
        Assert.Equal(double.PositiveInfinity, GammaGamma.ExpectedAverageSpend(Published with { Q = 0.9 }, new PurchaseHistory(0, 0, 20)));
    }

    [Fact]
    public void ExpectedAverageSpend_ShrinksTowardsThePopulationMean()
    {
        var mean = GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(0, 0, 20));
        var oneHigh = GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(1, 5, 20, 200));
        var manyHigh = GammaGamma.ExpectedAverageSpend(Published, new PurchaseHistory(50, 5, 20, 200));
        Assert.InRange(oneHigh, mean, manyHigh);
        Assert.InRange(manyHigh, oneHigh, 200);
    }

    [Fact]
    public void LogLikelihood_WithoutRepeatSpend_Throws() =>
        Assert.Throws<ArgumentException>(() => GammaGamma.LogLikelihood(Published, new PurchaseHistory(0, 0, 20)));

    private static string Describe(GammaGammaFit fit) => string.Create(
        CultureInfo.InvariantCulture,
        $"p={fit.Parameters.P:F4} q={fit.Parameters.Q:F4} gamma={fit.Parameters.Gamma:F4} LL={fit.LogLikelihood:F3} n={fit.CustomersUsed} iterations={fit.Iterations} status={fit.Verdict.StatusName} reason={fit.Verdict.Reason}");
}

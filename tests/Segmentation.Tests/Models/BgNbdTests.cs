using System.Diagnostics;
using System.Globalization;
using Platform.Numerics;
using Segmentation.Features.Models;
using Xunit.Abstractions;

namespace Segmentation.Tests.Models;

public sealed class BgNbdTests(ITestOutputHelper output)
{
    private static readonly BgNbdParameters Published = Cdnow.PublishedBgNbd;

    [Fact]
    public void Summary_BuiltFromCdnowTransactions_EqualsPublishedSummary()
    {
        var built = Cdnow.FromTransactions;
        var published = Cdnow.PublishedSummary;
        Assert.Equal(2357, published.Count);
        Assert.Equal(published.Keys.Order(), built.Keys.Order());
        foreach (var (id, expected) in published)
        {
            var actual = built[id];
            Assert.True(expected.Frequency == actual.Frequency, $"customer {id}: x {actual.Frequency}, published {expected.Frequency}");
            // The CSV holds weeks rounded to 2 decimals; days / 7 never lands on a rounding tie.
            Assert.Equal(expected.Recency, Math.Round(actual.Recency, 2), 1e-6);
            Assert.Equal(expected.Age, Math.Round(actual.Age, 2), 1e-6);
        }
    }

    [Fact]
    public void Fit_OnCdnowSample_ReproducesPublishedParameters()
    {
        var fit = BgNbd.Fit([.. Cdnow.PublishedSummary.Values]);
        output.WriteLine(Describe(fit));

        Assert.True(fit.Converged);
        Assert.Equal(2357, fit.Customers);
        Assert.Equal(0.243, fit.Parameters.R, 0.005);
        Assert.Equal(4.414, fit.Parameters.Alpha, 0.005);
        Assert.Equal(0.793, fit.Parameters.A, 0.005);
        Assert.Equal(2.426, fit.Parameters.B, 0.005);
        Assert.Equal(-9582.4, fit.LogLikelihood, 0.1);
    }

    [Fact]
    public void Fit_OnExactDayCounts_AgreesWithTheRoundedSummary()
    {
        // The published CSV rounds weeks to 2 decimals; the unrounded days / 7 must give the same estimates to ~1e-3.
        var fit = BgNbd.Fit([.. Cdnow.FromTransactions.Values]);
        output.WriteLine(Describe(fit));

        Assert.True(fit.Converged);
        Assert.Equal(0.243, fit.Parameters.R, 0.005);
        Assert.Equal(4.414, fit.Parameters.Alpha, 0.02);
        Assert.Equal(0.793, fit.Parameters.A, 0.005);
        Assert.Equal(2.426, fit.Parameters.B, 0.01);
    }

    [Fact]
    public void ExpectedPurchases_ForPapersExampleCustomer_Is1Point226In39Weeks()
    {
        var customer = new PurchaseHistory(2, 30.43, 38.86);
        Assert.Equal(1.226, BgNbd.ExpectedPurchases(Published, customer, 39), 0.001);
    }

    [Theory]
    [InlineData(0, 0.0, 38.86, 39.0)]
    [InlineData(1, 10.0, 30.0, 52.0)]
    [InlineData(7, 29.43, 38.86, 13.0)]
    [InlineData(3, 5.0, 60.0, 200.0)]
    public void ExpectedPurchases_EqualsEquation10EvaluatedWithThe2F1(int x, double recency, double age, double horizon)
    {
        foreach (var parameters in new[] { Published, Published with { A = 1.7 }, Published with { A = 1.0 + 1e-9 } })
        {
            var (r, alpha, a, b) = parameters;
            var h = new PurchaseHistory(x, recency, age);
            var hyp = SpecialFunctions.Hypergeometric2F1(r + x, b + x, a + b + x - 1, horizon / (alpha + age + horizon));
            var numerator = (a + b + x - 1) / (a - 1) * (1 - (Math.Pow((alpha + age) / (alpha + age + horizon), r + x) * hyp));
            var denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.Pow((alpha + age) / (alpha + recency), r + x) : 0);
            var expected = numerator / denominator;
            // At a ≈ 1 the textbook form loses digits to the 0/0; the model's form does not.
            var tolerance = Math.Abs(a - 1) < 1e-6 ? 1e-5 : 1e-12;
            Assert.Equal(expected, BgNbd.ExpectedPurchases(parameters, h, horizon), tolerance * Math.Max(1, expected));
        }
    }

    [Fact]
    public void ExpectedPurchases_GrowsWithHorizon_AndIsZeroAtZero()
    {
        var customer = new PurchaseHistory(4, 20, 40);
        Assert.Equal(0.0, BgNbd.ExpectedPurchases(Published, customer, 0));
        var previous = 0.0;
        foreach (var horizon in new[] { 1.0, 10, 52, 260, 2600 })
        {
            var value = BgNbd.ExpectedPurchases(Published, customer, horizon);
            Assert.True(value > previous, $"E at {horizon} = {value} not above {previous}");
            previous = value;
        }
    }

    [Fact]
    public void ProbabilityAlive_WithNoRepeatPurchases_IsOne()
    {
        Assert.Equal(1.0, BgNbd.ProbabilityAlive(Published, new PurchaseHistory(0, 0, 38.86)));
        Assert.Equal(1.0, BgNbd.ProbabilityAlive(Published, new PurchaseHistory(0, 0, 1000)));
    }

    [Fact]
    public void ProbabilityAlive_FallsTheLongerSinceTheLastPurchase()
    {
        var recent = BgNbd.ProbabilityAlive(Published, new PurchaseHistory(5, 38, 39));
        var lapsed = BgNbd.ProbabilityAlive(Published, new PurchaseHistory(5, 10, 39));
        Assert.InRange(recent, 0.85, 1.0);
        Assert.InRange(lapsed, 0.0, recent - 0.3);
    }

    [Theory]
    [InlineData(0, 0.0, 38.86)]
    [InlineData(1, 1.71, 38.86)]
    [InlineData(7, 29.43, 38.86)]
    [InlineData(40, 100.0, 150.0)]
    public void LogLikelihoodGradient_MatchesCentralDifferences(int x, double recency, double age)
    {
        var h = new PurchaseHistory(x, recency, age);
        foreach (var p in new[] { Published, new BgNbdParameters(1.3, 20, 2.5, 0.7) })
        {
            var analytic = BgNbd.LogLikelihoodGradient(p, h);
            var numeric = CentralDifferences(p, q => BgNbd.LogLikelihood(q, h));
            AssertClose(numeric, analytic, 1e-6);
        }
    }

    [Fact]
    public void DataSetGradient_MatchesCentralDifferences()
    {
        var histories = Cdnow.PublishedSummary.Values.ToList();
        foreach (var p in new[] { Published, new BgNbdParameters(1.0, 30, 1.0, 1.0), new BgNbdParameters(0.5, 3, 0.4, 6) })
        {
            var analytic = BgNbd.LogLikelihoodGradient(p, histories);
            var numeric = CentralDifferences(p, q => BgNbd.LogLikelihood(q, histories));
            AssertClose(numeric, analytic, 1e-6);
        }
    }

    [Fact]
    public void DataSetLogLikelihood_EqualsSumOverCustomers()
    {
        var histories = Cdnow.PublishedSummary.Values.ToList();
        var sum = histories.Sum(h => BgNbd.LogLikelihood(Published, h));
        Assert.Equal(sum, BgNbd.LogLikelihood(Published, histories), 1e-8 * Math.Abs(sum));
        Assert.Equal(-9582.4, sum, 0.1);
    }

    [Theory]
    [InlineData(500, 900.0, 1000.0)]
    [InlineData(5000, 900.0, 1000.0)]
    [InlineData(5000, 999.0, 1000.0)]
    [InlineData(5000, 10.0, 100000.0)]
    public void HeavyBuyers_GiveFiniteResultsWithoutOverflow(int x, double recency, double age)
    {
        var h = new PurchaseHistory(x, recency, age);
        var ll = BgNbd.LogLikelihood(Published, h);
        var alive = BgNbd.ProbabilityAlive(Published, h);
        var expected = BgNbd.ExpectedPurchases(Published, h, 52);
        var gradient = BgNbd.LogLikelihoodGradient(Published, h);
        output.WriteLine($"x={x} t_x={recency} T={age}: LL={ll} P(alive)={alive} E[52]={expected}");

        // A density in the x purchase times, not a probability: heavy buyers can have ln L > 0.
        Assert.True(double.IsFinite(ll));
        Assert.InRange(alive, 0.0, 1.0);
        Assert.True(double.IsFinite(expected) && expected >= 0);
        Assert.True(double.IsFinite(gradient.R + gradient.Alpha + gradient.A + gradient.B));
        // Still alive, a customer keeps buying at about (r + x) / (α + T) per week.
        if (alive > 0.5)
        {
            var rate = (Published.R + x) / (Published.Alpha + age);
            Assert.InRange(expected, 0.5 * alive * rate * 52, 1.5 * alive * rate * 52);
        }
    }

    [Fact]
    public void Simulate_WithTheSameSeed_GivesTheSameHistories()
    {
        var first = BgNbd.Simulate(Published, 1000, 52, seed: 7);
        var second = BgNbd.Simulate(Published, 1000, 52, seed: 7);
        var other = BgNbd.Simulate(Published, 1000, 52, seed: 8);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.All(first, h => Assert.InRange(h.Recency, 0, h.Age));
    }

    [Fact]
    public void Fit_OnSimulatedCustomers_RecoversTheParameters()
    {
        var random = new Random(11);
        var ages = Enumerable.Range(0, 20_000).Select(_ => Math.Round(7 + (random.NextDouble() * (1092 - 7))) / 7).ToArray();
        var simulated = BgNbd.Simulate(Published, ages, seed: 12);
        var watch = Stopwatch.StartNew();
        var fit = BgNbd.Fit(simulated);
        output.WriteLine($"{Describe(fit)} in {watch.ElapsedMilliseconds} ms");

        Assert.True(fit.Converged);
        // About four standard errors at 20,000 customers.
        Assert.Equal(Published.R, fit.Parameters.R, 0.15 * Published.R);
        Assert.Equal(Published.Alpha, fit.Parameters.Alpha, 0.2 * Published.Alpha);
        Assert.Equal(Published.A, fit.Parameters.A, 0.25 * Published.A);
        Assert.Equal(Published.B, fit.Parameters.B, 0.3 * Published.B);
        // The maximum is a maximum: the true parameters cannot score higher.
        Assert.True(fit.LogLikelihood >= BgNbd.LogLikelihood(Published, simulated) - 1e-6);
    }

    [Fact]
    public void Fit_WhenNobodyRepeats_ReportsNoInteriorMaximum()
    {
        // With x = 0 for everyone the likelihood rises towards r → 0: there is no estimate to report as converged.
        var histories = Enumerable.Range(0, 500).Select(i => new PurchaseHistory(0, 0, 10 + (i % 30))).ToArray();
        var fit = BgNbd.Fit(histories);
        output.WriteLine(Describe(fit));
        Assert.False(fit.Converged);
        Assert.Equal(FitStatus.Degenerate, fit.Verdict.Status);
        Assert.Contains("no customer made a repeat purchase", fit.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OnTooFewCustomers_IsDegenerate()
    {
        var fit = BgNbd.Fit([.. Cdnow.PublishedSummary.Values.Where(h => h.Frequency > 0).Take(BgNbd.MinimumCustomers - 1)]);

        Assert.Equal(FitStatus.Degenerate, fit.Verdict.Status);
        Assert.Contains("customers", fit.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_InDaysInsteadOfWeeks_ScalesAlphaBySeven()
    {
        var weeks = Cdnow.PublishedSummary.Values.ToList();
        var days = weeks.Select(h => new PurchaseHistory(h.Frequency, h.Recency * 7, h.Age * 7)).ToList();
        var inWeeks = BgNbd.Fit(weeks).Parameters;
        var inDays = BgNbd.Fit(days).Parameters;
        Assert.Equal(inWeeks.R, inDays.R, 1e-5);
        Assert.Equal(inWeeks.Alpha * 7, inDays.Alpha, 1e-3);
        Assert.Equal(inWeeks.A, inDays.A, 1e-5);
        Assert.Equal(inWeeks.B, inDays.B, 1e-4);
    }

    [Fact]
    public void InvalidHistory_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => BgNbd.LogLikelihood(Published, new PurchaseHistory(1, 5, 4)));
        Assert.Throws<ArgumentException>(() => BgNbd.LogLikelihood(Published, new PurchaseHistory(-1, 0, 4)));
        Assert.Throws<ArgumentException>(() => BgNbd.ProbabilityAlive(Published with { A = 0 }, new PurchaseHistory(1, 1, 4)));
        Assert.Throws<ArgumentException>(() => BgNbd.Fit([]));
    }

    private static string Describe(BgNbdFit fit) => string.Create(
        CultureInfo.InvariantCulture,
        $"r={fit.Parameters.R:F4} alpha={fit.Parameters.Alpha:F4} a={fit.Parameters.A:F4} b={fit.Parameters.B:F4} LL={fit.LogLikelihood:F3} n={fit.Customers} iterations={fit.Iterations} status={fit.Verdict.StatusName} reason={fit.Verdict.Reason}");

    private static BgNbdParameters CentralDifferences(BgNbdParameters p, Func<BgNbdParameters, double> f)
    {
        double D(Func<double, BgNbdParameters> at, double value)
        {
            var h = 1e-5 * value;
            return (f(at(value + h)) - f(at(value - h))) / (2 * h);
        }

        return new BgNbdParameters(
            D(v => p with { R = v }, p.R),
            D(v => p with { Alpha = v }, p.Alpha),
            D(v => p with { A = v }, p.A),
            D(v => p with { B = v }, p.B));
    }

    private static void AssertClose(BgNbdParameters expected, BgNbdParameters actual, double relative)
    {
        var pairs = new[] { (expected.R, actual.R), (expected.Alpha, actual.Alpha), (expected.A, actual.A), (expected.B, actual.B) };
        foreach (var (e, a) in pairs)
        {
            Assert.True(Math.Abs(e - a) <= relative * Math.Max(1, Math.Abs(e)), $"numeric {expected} vs analytic {actual}");
        }
    }
}

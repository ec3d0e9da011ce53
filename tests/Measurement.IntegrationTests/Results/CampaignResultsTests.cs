using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Measurement.Features.Results;
using Platform.Testing;

namespace Measurement.IntegrationTests.Results;

/// <summary>
/// <c>GET /v1/campaigns/{id}/results</c> on rows written as the attribution would leave them, against the figures
/// results_reference.py computed with SciPy / statsmodels from the same generated members.
/// </summary>
public sealed class CampaignResultsTests(ResultsHostFixture fixture) : IClassFixture<ResultsHostFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MeasurementTestHost _host = fixture.Host;

    [Fact]
    public async Task Results_PerCell_CountsRatesAndMoneyEqualReference()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition);

        Assert.Equal("ACQ-1", results.Campaign.Code);
        Assert.Equal("acquisition", results.Campaign.Objective);
        Assert.Equal(["control", "a", "b"], results.Cells.Select(c => c.Cell));
        Assert.True(results.Cells[0].IsControl);
        foreach (var cell in new[] { "control", "a", "b" })
        {
            var c = results.Cells.Single(x => x.Cell == cell);
            Assert.Equal(E($"{cell}.assigned"), c.Assigned);
            Assert.Equal(E($"{cell}.contacted"), c.Contacted);
            Assert.Equal(E($"{cell}.responders"), c.Responders);
            Assert.Equal(E($"{cell}.converters"), c.Converters);
            Near($"{cell}.conversionRate", c.ConversionRate.Value);
            Near($"{cell}.conversionRate.lower", c.ConversionRate.Interval!.Lower);
            Near($"{cell}.conversionRate.upper", c.ConversionRate.Interval.Upper);
            Near($"{cell}.responseRate.lower", c.ResponseRate.Interval!.Lower);
            Near($"{cell}.responseRate.upper", c.ResponseRate.Interval.Upper);
            Near($"{cell}.revenuePerAssigned", c.PerAssigned.Revenue.Value);
            // MathNet's inverse t distribution is good to about 1e-8 relative.
            Near($"{cell}.revenuePerAssigned.lower", c.PerAssigned.Revenue.Interval!.Lower, 1e-7);
            Near($"{cell}.revenuePerAssigned.upper", c.PerAssigned.Revenue.Interval.Upper, 1e-7);
            Assert.Contains("Wilson", c.ConversionRate.Method, StringComparison.Ordinal);
            Assert.Equal(c.Assigned, c.ByWave.Sum(w => w.Assigned));
            Assert.Equal(c.Converters, c.ByValueTier.Sum(t => t.Converters));
        }

        var a = results.Cells.Single(c => c.Cell == "a");
        var wave2 = a.ByWave.Single(w => w.Key == "2");
        Near("a.wave2.lift.conversionRate.absolute", wave2.ConversionLift!.Absolute);
        Near("a.wave2.lift.conversionRate.p", wave2.ConversionLift.PValue);
        Near("a.wave2.lift.revenuePerCustomer.upper", wave2.RevenueLift!.AbsoluteInterval.Upper);
        Near("a.wave2.lift.revenuePerCustomer.p", wave2.RevenueLift.PValue);
        Assert.All(results.Cells[0].ByWave, w => Assert.Null(w.ConversionLift));
        Near("a.revenuePerContacted", a.PerContacted!.PerContacted.Revenue.Value);
        Assert.Contains("not comparable with control", a.PerContacted.Label, StringComparison.Ordinal);
        Assert.Null(results.Cells[0].PerContacted);
        var step = Assert.Single(a.BySteps);
        Assert.Equal(a.Contacted, step.Contacted);
        Assert.Equal(a.Assigned - a.Contacted, step.BlockedByReason["no_consent"]);
        Assert.Equal(1.5 * a.Contacted, step.Cost, 9);
        Assert.Equal("email", Assert.Single(step.Channels).Channel);
        Assert.Equal((double)step.Responders / step.Contacted, step.ResponseRateAmongContacted.Value!.Value, 12);

        // The global control is shown apart, never compared.
        Assert.Equal(E("global_control.assigned"), results.GlobalControl!.Assigned);
        Assert.DoesNotContain(results.Lifts, l => l.Cell == "global_control");
        Assert.DoesNotContain(results.Health.SampleRatio.Cells, c => c.Cell == "global_control");
    }

    [Fact]
    public async Task Results_Lifts_EqualReference_WithHolmCupedAndSequential()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition);

        Assert.Equal(["a", "b"], results.Lifts.Select(l => l.Cell));
        foreach (var cell in new[] { "a", "b" })
        {
            var lift = results.Lifts.Single(l => l.Cell == cell);
            foreach (var metric in new[] { "conversionRate", "responseRate", "revenuePerCustomer", "marginPerCustomer" })
            {
                var m = lift.Metrics.Single(x => x.Metric == metric).Unadjusted!;
                var key = $"{cell}.lift.{metric}";
                Near(key + ".absolute", m.Absolute);
                Near(key + ".lower", m.AbsoluteInterval.Lower);
                Near(key + ".upper", m.AbsoluteInterval.Upper);
                Near(key + ".p", m.PValue);
                Near(key + ".holm", m.HolmPValue);
                Near(key + ".relative", m.Relative);
                Near(key + ".relLower", m.RelativeInterval!.Lower, 1e-6);
                Near(key + ".relUpper", m.RelativeInterval.Upper, 1e-6);
                Assert.Equal(Figures.RelativeMethod, m.RelativeMethod);
                Assert.False(string.IsNullOrWhiteSpace(m.Method));

                // Always valid beside fixed: wider at these sizes, around the same estimate, method named.
                Assert.True(m.SequentialInterval!.Lower < m.AbsoluteInterval.Lower && m.SequentialInterval.Upper > m.AbsoluteInterval.Upper);
                Assert.Contains("N* = 5000", m.SequentialMethod, StringComparison.Ordinal);
            }

            var revenue = lift.Metrics.Single(x => x.Metric == "revenuePerCustomer");
            Near($"{cell}.lift.revenuePerCustomer.df", revenue.Unadjusted!.DegreesOfFreedom);
            Near($"{cell}.lift.revenuePerCustomer.cuped.absolute", revenue.Cuped!.Absolute);
            Near($"{cell}.lift.revenuePerCustomer.cuped.lower", revenue.Cuped.AbsoluteInterval.Lower);
            Near($"{cell}.lift.revenuePerCustomer.cuped.upper", revenue.Cuped.AbsoluteInterval.Upper);
            Near($"{cell}.lift.revenuePerCustomer.cuped.p", revenue.Cuped.PValue);
            Near($"{cell}.lift.revenuePerCustomer.cuped.holm", revenue.Cuped.HolmPValue);
            Assert.NotNull(lift.Metrics.Single(x => x.Metric == "conversionRate").Cuped);
            Assert.DoesNotContain(lift.Metrics, x => x.Metric == LiftCalculator.RevenuePerCustomerWinsorized);
        }
    }

    [Fact]
    public async Task Results_Money_EqualReference()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition);

        var a = results.Money.Single(m => m.Cell == "a");
        Near("a.money.contactCost", a.Costs.ContactCost);
        Near("a.money.offerCost", a.Costs.OfferCost);
        foreach (var (name, figure) in new[] { ("incrementalConversions", a.IncrementalConversions), ("incrementalRevenue", a.IncrementalRevenue), ("incrementalMargin", a.IncrementalMargin), ("incrementalProfit", a.IncrementalProfit) })
        {
            Near($"a.money.{name}", figure.Value);
            Near($"a.money.{name}.lower", figure.Interval!.Lower);
            Near($"a.money.{name}.upper", figure.Interval.Upper);
        }

        Near("a.money.roi", a.Roi.Value);
        Assert.NotNull(a.Roi.Interval);
        Near("a.money.costPerIncrementalAcquisition", a.CostPerIncrementalAcquisition.Value);
        Near("a.money.costPerIncrementalAcquisition.lower", a.CostPerIncrementalAcquisition.Interval!.Lower);
        if (double.IsFinite(E("a.money.costPerIncrementalAcquisition.upper")))
        {
            Near("a.money.costPerIncrementalAcquisition.upper", a.CostPerIncrementalAcquisition.Interval.Upper);
        }
        else
        {
            Assert.Null(a.CostPerIncrementalAcquisition.Interval.Upper); // unbounded: the increment may be zero
        }
        Assert.NotNull(a.IncrementalRevenueCuped);
    }

    [Fact]
    public async Task Results_Health_BalancedCampaign_NoMismatchNoControlContacts_DetectableLiftsFromActualSizes()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition);

        var srm = results.Health.SampleRatio;
        Near("srm.chiSquare", srm.ChiSquare, 1e-9, absolute: true);
        Near("srm.p", srm.PValue);
        Assert.False(srm.Mismatch);
        Assert.Equal([50L, 100L, 100L], srm.Cells.Select(c => c.Observed));
        Assert.False(results.Health.ControlContacts.Flagged);
        var detectable = results.Health.DetectableLift.Single(d => d.Cell == "a");
        Assert.Equal(50, detectable.ControlSize);
        Assert.Equal(100, detectable.TreatedSize);
        Assert.Equal(0.1, detectable.ConversionRate.Baseline!.Value, 12);
        Assert.Equal(Platform.Numerics.Statistics.Power.MinimumDetectableRateLift(0.1, 50, 100, 0.8, 0.05)!.Value, detectable.ConversionRate.Absolute!.Value, 12);
    }

    [Fact]
    public async Task Results_AcquiredCohort_EqualReference()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition);

        var quality = results.Quality!.Acquisition!;
        Assert.Null(results.Quality.Retention);
        foreach (var cell in new[] { "control", "a", "b" })
        {
            var c = quality.Cells.Single(x => x.Cell == cell);
            Assert.Equal(E($"{cell}.cohort.acquired"), c.Acquired);
            foreach (var r in c.Repeat)
            {
                Assert.Equal(E($"{cell}.cohort.matured{r.Days}"), r.Matured);
                Assert.Equal(E($"{cell}.cohort.repeat{r.Days}"), r.Repeaters);
            }

            Assert.Equal(E($"{cell}.cohort.scored"), c.Scored);
            Assert.Equal(E($"{cell}.cohort.dealSeekers") / E($"{cell}.cohort.scored"), c.DealSeekerShare.Value!.Value, 12);
            Near($"{cell}.cohort.meanClv", c.MeanClv.Value);
        }

        var a = quality.Cells.Single(x => x.Cell == "a");
        Near("a.cohort.repeat30.lift.absolute", a.Repeat[0].Lift!.Absolute);
        Near("a.cohort.repeat30.lift.p", a.Repeat[0].Lift!.PValue);
        Near("a.cohort.clvLift.absolute", a.ClvLift!.Absolute);
        Near("a.cohort.clvLift.p", a.ClvLift.PValue);
        Near("a.cohort.ltvToCac", a.LtvToCac!.Value);
        Assert.Null(quality.Cells.Single(x => x.Cell == "control").ClvLift);
    }

    [Fact]
    public async Task Results_Winsorized_CapsAtPercentileOfAllMembers_AndSaysSo()
    {
        var results = await GetAsync(ResultsHostFixture.Acquisition, "?winsorize=0.9");

        Near("winsorize.cap", results.Settings.WinsorizeCap);
        Assert.Contains("top tail of the campaign's members", results.Settings.WinsorizeMethod, StringComparison.Ordinal);
        Assert.Contains(results.Notes, n => n.Contains("revenuePerCustomerWinsorized", StringComparison.Ordinal));
        var w = results.Lifts.Single(l => l.Cell == "a").Metrics.Single(m => m.Metric == LiftCalculator.RevenuePerCustomerWinsorized).Unadjusted!;
        Near("a.lift.revenuePerCustomerWinsorized.absolute", w.Absolute);
        Near("a.lift.revenuePerCustomerWinsorized.lower", w.AbsoluteInterval.Lower);
        Near("a.lift.revenuePerCustomerWinsorized.upper", w.AbsoluteInterval.Upper);
        Near("a.lift.revenuePerCustomerWinsorized.p", w.PValue);
    }

    [Fact]
    public async Task Results_Options_ChangeConfidenceAndTuning()
    {
        var wide = await GetAsync(ResultsHostFixture.Acquisition, "?confidence=0.99&sequentialTuning=200");

        Assert.Equal(0.99, wide.Settings.Confidence);
        var c = wide.Cells.Single(x => x.Cell == "a").ConversionRate.Interval!;
        Assert.True(c.Lower < E("a.conversionRate.lower") && c.Upper > E("a.conversionRate.upper"));
        Assert.Contains("N* = 200", wide.Lifts[0].Metrics[0].Unadjusted!.SequentialMethod, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_Retention_ShareStillBuyingAfter90Days_AgainstControl()
    {
        var results = await GetAsync(ResultsHostFixture.Retention);

        var retention = results.Quality!.Retention!;
        Assert.True(retention.Matured);
        var a = retention.Cells.Single(c => c.Cell == "a");
        var control = retention.Cells.Single(c => c.Cell == "control");
        Assert.Equal(ResultsFixture.Members.Count(m => m.Cell == "a" && m.Converted && m.DaysToSecondPurchase >= 90), a.Active);
        Assert.Equal((double)a.Active / a.Members, a.Rate.Value!.Value, 12);
        Assert.Equal(a.Rate.Value!.Value - control.Rate.Value!.Value, a.Lift!.Absolute!.Value, 12);
        Assert.Null(control.Lift);
    }

    [Fact]
    public async Task Results_SkewedAssignment_FlagsSampleRatioMismatch()
    {
        var id = Guid.NewGuid();
        await ResultsFixtureLoader.InsertCampaignAsync(_host.Host, id, "SRM-" + id.ToString("N")[..8], "cross_sell",
            [("control", 0.2, true, null, 0m), ("a", 0.4, false, null, 0m), ("b", 0.4, false, null, 0m)]);
        await ResultsFixtureLoader.InsertCellStatsAsync(_host.Host, id,
            [ResultsFixtureLoader.StatsRow("control", 1000, 50, 20), ResultsFixtureLoader.StatsRow("a", 1100, 80, 30), ResultsFixtureLoader.StatsRow("b", 900, 60, 25),
             ResultsFixtureLoader.StatsRow("global_control", 5000)]);

        var results = await GetAsync(id);

        var srm = results.Health.SampleRatio;
        Assert.True(srm.Mismatch);
        Near("srmSkewed.chiSquare", srm.ChiSquare);
        Near("srmSkewed.p", srm.PValue, 1e-6);
        Assert.Equal([600.0, 1200.0, 1200.0], srm.Cells.Select(c => c.Expected));
        Assert.Null(results.Quality);
    }

    [Fact]
    public async Task Results_ContactsToControlMembers_AreFlagged()
    {
        var id = Guid.NewGuid();
        await ResultsFixtureLoader.InsertCampaignAsync(_host.Host, id, "CTL-" + id.ToString("N")[..8], "cross_sell",
            [("control", 0.5, true, null, 0m), ("a", 0.5, false, null, 0m)]);
        await ResultsFixtureLoader.InsertCellStatsAsync(_host.Host, id, [ResultsFixtureLoader.StatsRow("control", 100, 5, 2), ResultsFixtureLoader.StatsRow("a", 100, 9, 4)]);
        await ResultsFixtureLoader.InsertStepStatsAsync(_host.Host, id, "a", 1, 1, "email", "dispatched", "", 100, 50);
        await ResultsFixtureLoader.InsertStepStatsAsync(_host.Host, id, "control", 1, 1, "email", "dispatched", "", 2, 1);
        await ResultsFixtureLoader.InsertStepStatsAsync(_host.Host, id, "control", 1, 1, "", "blocked", "control", 98, 0);
        await ResultsFixtureLoader.InsertStepStatsAsync(_host.Host, id, "global_control", 1, 2, "direct_mail", "exported", "", 3, 2.4);

        var results = await GetAsync(id);

        var contacts = results.Health.ControlContacts;
        Assert.True(contacts.Flagged);
        Assert.Equal(2, contacts.CampaignControl);
        Assert.Equal(3, contacts.GlobalControl);
        Assert.Equal(2, contacts.Contacts.Count);
        Assert.NotNull(results.GlobalControl); // shown apart even with only its contacts known
    }

    [Fact]
    public async Task Results_UnknownCampaign_Is404Problem()
    {
        var id = Guid.NewGuid();
        using var response = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{id}/results", UriKind.Relative));

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(id.ToString(), problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        using var csv = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{id}/results.csv", UriKind.Relative));
        await ProblemAssert.HasProblemAsync(csv, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("?confidence=1.5", "confidence")]
    [InlineData("?confidence=abc", "confidence")]
    [InlineData("?confidence=NaN", "confidence")]
    [InlineData("?sequentialTuning=0", "sequentialTuning")]
    [InlineData("?winsorize=0.2", "winsorize")]
    [InlineData("?confidence=0.9&confidence=0.95", "confidence")]
    [InlineData("?confidense=0.9", "confidense")]
    [InlineData("?confidence=2&winsorize=x", "confidence", "winsorize")]
    public async Task Results_BadQuery_Is400NamingEachBadParameter(string query, params string[] fields)
    {
        using var response = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{ResultsHostFixture.Acquisition}/results{query}", UriKind.Relative));

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, fields);
    }

    [Fact]
    public async Task Results_IdNotAUuid_Is400NamingId()
    {
        using var response = await _host.Client.GetAsync(new Uri("/v1/campaigns/not-a-campaign/results", UriKind.Relative));

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task Results_Json_IsCamelCase()
    {
        using var response = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{ResultsHostFixture.Acquisition}/results", UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.True(json.GetProperty("lifts")[0].GetProperty("metrics")[0].GetProperty("unadjusted").TryGetProperty("absoluteInterval", out _));
        Assert.True(json.GetProperty("cells")[0].GetProperty("conversionRate").TryGetProperty("method", out _));
    }

    private async Task<CampaignResults> GetAsync(Guid id, string query = "")
    {
        using var response = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{id}/results{query}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<CampaignResults>(text, Json)!;
    }

    internal static double E(string key) => ResultsExpected.Values[key];

    internal static void Near(string key, double? actual, double tolerance = 1e-9, bool absolute = false)
    {
        var expected = E(key);
        Assert.True(actual is not null, $"{key}: expected {expected}, got null");
        var scale = absolute ? 1 : Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(actual!.Value - expected) <= tolerance * scale, $"{key}: expected {expected}, got {actual}");
    }
}

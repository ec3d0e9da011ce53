using System.Globalization;
using System.Net;
using System.Text.Json;
using Measurement.Features.Results;
using Platform.ServiceDefaults.Csv;
using Platform.Testing;
using Sylvan.Data.Csv;

namespace Measurement.IntegrationTests.Results;

/// <summary>The CSV export, several campaigns side by side, the global control's results and the OpenAPI description.</summary>
public sealed class ResultsExportTests(ResultsHostFixture fixture) : IClassFixture<ResultsHostFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MeasurementTestHost _host = fixture.Host;

    [Fact]
    public async Task Csv_ParsesInThePlatformDialect_AndMatchesJson()
    {
        var results = await GetJsonAsync<CampaignResults>($"/v1/campaigns/{ResultsHostFixture.Acquisition}/results");
        using var response = await _host.Client.GetAsync(new Uri($"/v1/campaigns/{ResultsHostFixture.Acquisition}/results.csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);

        var rows = new Dictionary<(string Cell, string Metric), string[]>();
        using (var reader = CsvDataReader.Create(new StringReader(await response.Content.ReadAsStringAsync()), CsvDialect.ReaderOptions(64 * 1024)))
        {
            Assert.Equal(ResultsCsv.Header, Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            while (reader.Read())
            {
                var values = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
                Assert.True(rows.TryAdd((values[0], values[1]), values), $"row ({values[0]}, {values[1]}) twice");
            }
        }

        var a = results.Cells.Single(c => c.Cell == "a");
        Assert.Equal(a.Assigned, Number(rows[("a", "assigned")][2]));
        Assert.Equal(a.ConversionRate.Value, Number(rows[("a", "conversionRate")][2]));
        Assert.Equal(a.ConversionRate.Interval!.Lower, Number(rows[("a", "conversionRate")][3]));
        Assert.Equal(a.ConversionRate.Method, rows[("a", "conversionRate")][7]);
        var lift = results.Lifts.Single(l => l.Cell == "a").Metrics.Single(m => m.Metric == "revenuePerCustomer");
        var row = rows[("a", "lift.revenuePerCustomer.absolute")];
        Assert.Equal(lift.Unadjusted!.Absolute, Number(row[2]));
        Assert.Equal(lift.Unadjusted.AbsoluteInterval.Upper, Number(row[4]));
        Assert.Equal(lift.Unadjusted.PValue, Number(row[5]));
        Assert.Equal(lift.Unadjusted.HolmPValue, Number(row[6]));
        Assert.Equal(lift.Unadjusted.Method, row[7]);
        Assert.Equal(lift.Cuped!.Absolute, Number(rows[("a", "lift.revenuePerCustomer.cuped.absolute")][2]));
        Assert.Equal(lift.Unadjusted.SequentialInterval!.Lower, Number(rows[("a", "lift.revenuePerCustomer.absoluteSequential")][3]));
        Assert.Equal(results.Money.Single(m => m.Cell == "a").IncrementalProfit.Value, Number(rows[("a", "money.incrementalProfit")][2]));
        Assert.Equal(results.Health.SampleRatio.PValue, Number(rows[("", "health.sampleRatio.chiSquare")][5]));
        Assert.True(rows.ContainsKey(("global_control", "assigned")));
        Assert.Equal(ResultsCsv.Rows(results).Count(), rows.Count);
    }

    [Fact]
    public async Task SideBySide_TwoCampaigns_HeadlinesInTheOrderAsked()
    {
        var comparison = await GetJsonAsync<ResultsComparison>($"/v1/results?campaign={ResultsHostFixture.Retention}&campaign={ResultsHostFixture.Acquisition}&confidence=0.9");
        var single = await GetJsonAsync<CampaignResults>($"/v1/campaigns/{ResultsHostFixture.Acquisition}/results?confidence=0.9");

        Assert.Equal(["RET-1", "ACQ-1"], comparison.Campaigns.Select(c => c.Campaign.Code));
        Assert.Equal(0.9, comparison.Settings.Confidence);
        var headline = comparison.Campaigns[1];
        Assert.Equal(["a", "b"], headline.Cells.Select(c => c.Cell));
        var a = headline.Cells[0];
        Assert.Equal(single.Lifts[0].Metrics.Single(m => m.Metric == "responseRate").Unadjusted, a.ResponseLift);
        Assert.Equal(single.Lifts[0].Metrics.Single(m => m.Metric == "conversionRate").Unadjusted, a.ConversionLift);
        Assert.Equal(single.Lifts[0].Metrics.Single(m => m.Metric == "revenuePerCustomer").Unadjusted, a.RevenueLift);
        Assert.Equal(single.Money[0].IncrementalProfit, a.IncrementalProfit);
        Assert.Equal(single.Money[0].Roi, a.Roi);
        Assert.False(headline.SampleRatioMismatch);
        Assert.False(headline.ControlContacted);
    }

    [Fact]
    public async Task SideBySide_UnknownCampaign_Is404NamingIt()
    {
        var unknown = Guid.NewGuid();
        using var response = await _host.Client.GetAsync(new Uri($"/v1/results?campaign={ResultsHostFixture.Acquisition}&campaign={unknown}", UriKind.Relative));

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(unknown.ToString(), problem.GetProperty("campaigns")[0].GetString());
    }

    [Theory]
    [InlineData("", "campaign")]
    [InlineData("?campaign=x", "campaign")]
    [InlineData("?campaign=0190a5b4-0000-7000-8000-00000000a001&winsorize=0.9", "winsorize")]
    [InlineData("?campaign=0190a5b4-0000-7000-8000-00000000a001&sequentialTuning=-3", "sequentialTuning")]
    public async Task SideBySide_BadQuery_Is400NamingIt(string query, string field)
    {
        using var response = await _host.Client.GetAsync(new Uri("/v1/results" + query, UriKind.Relative));

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task SideBySide_MoreThanTheLimit_Is400()
    {
        var query = string.Join("&", Enumerable.Range(0, ResultsApi.MaxCampaigns + 1).Select(_ => "campaign=" + Guid.NewGuid()));
        using var response = await _host.Client.GetAsync(new Uri("/v1/results?" + query, UriKind.Relative));

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, "campaign");
    }

    [Fact]
    public async Task GlobalControl_TargetedAgainstHeldOut_EqualsReference()
    {
        await _host.Host.ExecuteAsync("DELETE FROM global_control_stats");
        foreach (var r in ResultsFixture.GlobalControlStats)
        {
            await _host.Host.ExecuteAsync("""
                INSERT INTO global_control_stats (global_control, customers, buyers, revenue_sum, revenue_sq, x_sum, x_sq, x_revenue, x_buyers)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)
                """, new { p0 = r[0], p1 = r[1], p2 = r[2], p3 = (decimal)(double)r[3], p4 = (decimal)(double)r[4], p5 = (decimal)(double)r[5], p6 = (decimal)(double)r[6], p7 = (decimal)(double)r[7], p8 = (decimal)(double)r[8] });
        }

        var results = await GetJsonAsync<GlobalControlResults>("/v1/global-control/results");

        Assert.Equal(600, results.Targeted.Customers);
        Assert.Equal(60, results.GlobalControl.Customers);
        var buyers = results.BuyerRate.Unadjusted!;
        CampaignResultsTests.Near("global.buyerRate.absolute", buyers.Absolute);
        CampaignResultsTests.Near("global.buyerRate.lower", buyers.AbsoluteInterval.Lower);
        CampaignResultsTests.Near("global.buyerRate.upper", buyers.AbsoluteInterval.Upper);
        CampaignResultsTests.Near("global.buyerRate.p", buyers.PValue);
        var revenue = results.RevenuePerCustomer.Unadjusted!;
        CampaignResultsTests.Near("global.revenue.absolute", revenue.Absolute);
        CampaignResultsTests.Near("global.revenue.lower", revenue.AbsoluteInterval.Lower);
        CampaignResultsTests.Near("global.revenue.p", revenue.PValue);
        CampaignResultsTests.Near("global.revenue.df", revenue.DegreesOfFreedom);
        CampaignResultsTests.Near("global.revenue.cuped.absolute", results.RevenuePerCustomer.Cuped!.Absolute);
        CampaignResultsTests.Near("global.revenue.cuped.lower", results.RevenuePerCustomer.Cuped.AbsoluteInterval.Lower);
        CampaignResultsTests.Near("global.revenue.cuped.p", results.RevenuePerCustomer.Cuped.PValue);
        Assert.Equal(revenue.Absolute!.Value * 600, results.IncrementalRevenue!.Value!.Value, 9);
        Assert.NotNull(revenue.SequentialInterval);
    }

    [Fact]
    public async Task GlobalControl_BadQuery_Is400()
    {
        using var response = await _host.Client.GetAsync(new Uri("/v1/global-control/results?confidence=0.1", UriKind.Relative));

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, "confidence");
    }

    [Fact]
    public async Task OpenApi_EveryResultsEndpoint_HasSummaryOperationIdAndProblems()
    {
        var document = await GetJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var (path, operationId, problems) in new[]
        {
            ("/v1/campaigns/{campaignId}/results", "getCampaignResults", new[] { "400", "404" }),
            ("/v1/campaigns/{campaignId}/results.csv", "getCampaignResultsCsv", ["400", "404"]),
            ("/v1/results", "compareCampaignResults", ["400", "404"]),
            ("/v1/global-control/results", "getGlobalControlResults", ["400"]),
        })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.Equal(operationId, get.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()));
            foreach (var status in problems)
            {
                Assert.True(get.GetProperty("responses").TryGetProperty(status, out _), $"{operationId} should describe {status}");
            }
        }
    }

    private async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await _host.Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    private static double? Number(string text) => text.Length == 0 ? null : double.Parse(text, CultureInfo.InvariantCulture);
}

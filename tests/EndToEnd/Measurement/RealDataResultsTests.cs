using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.Testing;
using Xunit.Abstractions;

namespace EndToEnd.RealData; // not EndToEnd.Measurement: that would hide the Measurement service's namespace from the other tests

/// <summary>
/// The randomized tests of <c>../shared/data/campaigns</c> imported as campaigns run elsewhere, with their outcomes as
/// responses and orders, through every service: Measurement's results give the rates, lifts, intervals and p-values
/// that SciPy and statsmodels compute on the raw files (<c>reference_results.py</c>). Every row of every file: about
/// 80 s for the three on two cores (Hillstrom's 64,000 rows about 50 s).
/// </summary>
public sealed class RealDataResultsTests(AllServices services, ITestOutputHelper output) : IClassFixture<AllServices>, IDisposable
{
    private readonly HttpClient _client = services.CreateClient(TimeSpan.FromMinutes(5));

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Hillstrom_ThroughThePlatform_GivesTheReferenceRatesLiftsIntervalsPValuesAndCuped()
    {
        var data = await RealDataSet.HillstromAsync();
        await RunAsync(data, "HILLSTROM-2008");
    }

    [Fact]
    public async Task WisconsinBallotSecrecyLetters_ThroughThePlatform_GiveTheReferenceTurnoutLift()
    {
        var data = await RealDataSet.WisconsinAsync("wi_ballot_secrecy");
        await RunAsync(data, "WI-SECRECY-2012");
    }

    [Fact]
    public async Task WisconsinGroupCompetitionLetters_ThroughThePlatform_GiveTheReferenceTurnoutLift_AndCupedOnPriorTurnout()
    {
        var data = await RealDataSet.WisconsinAsync("wi_group_competition");
        await RunAsync(data, "WI-GROUPS-2012");
    }

    private async Task RunAsync(RealDataSet data, string code)
    {
        var reference = ReferenceResults.For(data.Name);
        Assert.Equal(reference.GetProperty("rows").GetInt32(), data.Rows.Count);
        var stopwatch = Stopwatch.StartNew();
        var campaignId = await new RealDataCampaign(services, _client).ImportAsync(data, code);
        output.WriteLine($"{data.Name} ({data.Rows.Count:N0} rows): imported through Ingestion and Campaigns in {stopwatch.Elapsed.TotalSeconds:N1} s");

        // Done when Measurement's per-cell statistics hold every member and every outcome of the file.
        var cells = reference.GetProperty("cells").EnumerateObject().ToList();
        var expected = (Members: cells.Sum(c => c.Value.GetProperty("assigned").GetInt64()),
                        Responders: cells.Sum(c => c.Value.GetProperty("responders").GetInt64()),
                        Converters: cells.Sum(c => c.Value.GetProperty("converters").GetInt64()),
                        Revenue: cells.Sum(c => c.Value.GetProperty("revenue").GetDecimal()));
        await using var measurementDb = await services.Databases["measurement"].OpenAsync();
        await Eventually.TrueAsync(async () =>
        {
            var actual = await measurementDb.QuerySingleAsync<(long, long, long, decimal)>("""
                SELECT coalesce(sum(members), 0)::bigint, coalesce(sum(responders), 0)::bigint, coalesce(sum(converters), 0)::bigint, coalesce(sum(revenue_sum), 0)
                FROM cell_stats WHERE campaign_id = @campaignId
                """, new { campaignId });
            return actual == expected;
        }, $"every member and outcome of {data.Name} in Measurement's cell statistics", TimeSpan.FromMinutes(5));
        var attributed = stopwatch.Elapsed;

        var results = await _client.GetFromJsonAsync<JsonElement>($"/measurement/v1/campaigns/{campaignId}/results");
        output.WriteLine($"{data.Name}: every outcome in Measurement's statistics after {attributed.TotalSeconds:N1} s");
        var compared = ResultsAssert.Matches(reference, results);
        output.WriteLine($"{data.Name}: {compared} figures equal to the reference's");
    }
}

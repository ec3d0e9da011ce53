using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Segmentation.IntegrationTests;

/// <summary>A fit the data cannot determine is stored and shown as degenerate with its reason, and never scores anyone.</summary>
public sealed class ModelFitStatusTests : IAsyncLifetime
{
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("fitstatus");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task FitOnSpendWithoutVariation_IsStoredDegenerate_AndAScoringRunNamingItIsRefused()
    {
        // Every order costs 25: only the mean spend is identified.
        for (var i = 0; i < 40; i++)
        {
            var orders = 1 + (i % 6);
            await _host.AddCustomerAsync($"flat-{i}", orders: orders, net: 25m * orders, lastPurchase: new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero).AddDays(-7 * (i % 9)));
        }

        var response = await _host.Client.PostAsJsonAsync("/v1/models/fits", new { calibrationEnd = "2025-06-30", timeUnit = "week" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var fit = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fitId = fit.GetProperty("id").GetGuid();
        Assert.Equal("degenerate", fit.GetProperty("status").GetString());
        Assert.Equal("degenerate", fit.GetProperty("gammaGamma").GetProperty("status").GetString());
        Assert.Contains("spend without variation", fit.GetProperty("gammaGamma").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(fit.GetProperty("reason").GetString()));

        // Stored as such, and shown in the list with its reason.
        Assert.Equal("degenerate", await _host.ScalarAsync<string>("SELECT status FROM model_fits WHERE id = @id", ("id", fitId)));
        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/models/fits");
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("degenerate", listed.GetProperty("status").GetString());

        // Named explicitly: refused with the reason, nothing queued.
        var refused = await _host.Client.PostAsJsonAsync("/v1/scores/runs", new { modelFitId = fitId });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("degenerate", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("spend without variation", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM score_runs WHERE model_fit_id = @id", ("id", fitId)));

        // Not named: the "latest converged fit" passes it over, so the run scores without a model.
        var run = await _host.ScoreAsync();
        Assert.Equal(JsonValueKind.Null, run.GetProperty("modelFitId").ValueKind);
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE clv IS NOT NULL"));
    }
}

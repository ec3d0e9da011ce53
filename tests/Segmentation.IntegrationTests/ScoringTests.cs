using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Segmentation.IntegrationTests;

public sealed class ScoringTests : IAsyncLifetime
{
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("scoring");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Rfm_TiedCustomersShareTheLowestQuintileTheirGroupReaches()
    {
        // Orders 1,1,1,1,1,2,3,4,5,6: the five one-order customers tie at percent_rank 0 (F = 1); distinct net values
        // 10..100 spread over the quintiles two by two.
        var ids = new List<Guid>();
        int[] orders = [1, 1, 1, 1, 1, 2, 3, 4, 5, 6];
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await _host.AddCustomerAsync($"c{i}", orders: orders[i], net: 10 * (i + 1)));
        }

        await _host.ScoreAsync();

        int[] expectedF = [1, 1, 1, 1, 1, 3, 4, 4, 5, 5];
        int[] expectedM = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(expectedF[i], await _host.ScalarAsync<short>("SELECT frequency_score FROM customer_scores WHERE customer_id = @id", ("id", ids[i])));
            Assert.Equal(expectedM[i], await _host.ScalarAsync<short>("SELECT monetary_score FROM customer_scores WHERE customer_id = @id", ("id", ids[i])));
        }

        // Same data, same scores: a second run changes nothing.
        var before = await _host.ScalarAsync<string>("SELECT string_agg(rfm_cell, ',' ORDER BY customer_id) FROM customer_scores");
        await _host.ScoreAsync();
        Assert.Equal(before, await _host.ScalarAsync<string>("SELECT string_agg(rfm_cell, ',' ORDER BY customer_id) FROM customer_scores"));
    }

    [Fact]
    public async Task ValueTiers_SplitTopTenMiddleFortyBottomFifty_AndProspectsHaveNone()
    {
        for (var i = 1; i <= 20; i++)
        {
            await _host.AddCustomerAsync($"v{i}", orders: 1, net: i * 100);
        }

        var prospect = await _host.AddCustomerAsync("prospect", lifecycle: "prospect");

        await _host.ScoreAsync();

        Assert.Equal("1900.00,2000.00", await _host.ScalarAsync<string>("SELECT string_agg(value::text, ',' ORDER BY value) FROM customer_scores WHERE value_tier = 'top'"));
        Assert.Equal(8L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE value_tier = 'middle' AND value BETWEEN 1100 AND 1800"));
        Assert.Equal(10L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE value_tier = 'bottom' AND value <= 1000"));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE customer_id = @id AND (value_tier IS NOT NULL OR rfm_cell IS NOT NULL OR deal_seeker)", ("id", prospect)));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores WHERE customer_id = @id", ("id", prospect)));
    }

    [Fact]
    public async Task DealSeeker_NeedsEnoughOrdersMostlyDiscounted_WithConfigurableThresholds()
    {
        var seeker = await _host.AddCustomerAsync("seeker", orders: 4, net: 100, discountedOrders: 3);  // 75 %
        var few = await _host.AddCustomerAsync("few", orders: 2, net: 100, discountedOrders: 2);        // too few orders
        var payer = await _host.AddCustomerAsync("payer", orders: 5, net: 100, discountedOrders: 1);    // 20 %

        await _host.ScoreAsync();
        Assert.True(await DealSeekerAsync(seeker));
        Assert.False(await DealSeekerAsync(few));
        Assert.False(await DealSeekerAsync(payer));

        var settings = await SettingsAsync();
        settings["dealSeekerMinOrders"] = JsonSerializer.SerializeToElement(2);
        settings["dealSeekerMinDiscountedShare"] = JsonSerializer.SerializeToElement(0.2);
        (await _host.Client.PutAsJsonAsync("/v1/scores/settings", settings)).EnsureSuccessStatusCode();
        var run = await _host.ScoreAsync();
        Assert.Equal(0.2, run.GetProperty("settings").GetProperty("dealSeekerMinDiscountedShare").GetDouble());
        Assert.True(await DealSeekerAsync(few));
        Assert.True(await DealSeekerAsync(payer));
    }

    [Fact]
    public async Task ScoreRun_AsOfAPastDate_CountsOnlyPurchasesUpToThatDay()
    {
        // Four orders, 30 days apart, the last on 2026-01-01.
        var id = await _host.AddCustomerAsync("history", orders: 4, net: 400);

        var run = await _host.ScoreAsync(new { asOf = "2025-11-15T00:00:00Z" });

        Assert.Equal(1, run.GetProperty("customersScored").GetInt32());
        Assert.Equal(200m, await _host.ScalarAsync<decimal>("SELECT value FROM customer_scores WHERE customer_id = @id", ("id", id)));
        await _host.ScoreAsync();
        Assert.Equal(400m, await _host.ScalarAsync<decimal>("SELECT value FROM customer_scores WHERE customer_id = @id", ("id", id)));
        var profile = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/profiles/{id}");
        Assert.Equal(4, profile.GetProperty("purchases").GetProperty("ordersCount").GetInt32());
        Assert.Equal(120m, profile.GetProperty("purchases").GetProperty("margin").GetDecimal()); // no known costs: 30 % default
        Assert.Equal("bottom", profile.GetProperty("scores").GetProperty("valueTier").GetString()); // alone: cume_dist 1
        Assert.True(profile.GetProperty("scores").GetProperty("clvEconomics").GetDouble() > 0);
    }

    [Fact]
    public async Task RunFailingMidway_IsMarkedFailed_AndTheScoresBeforeItStay()
    {
        await _host.AddCustomerAsync("keep-1", orders: 3, net: 300);
        await _host.AddCustomerAsync("keep-2", orders: 1, net: 50);
        await _host.ScoreAsync();
        var before = await _host.ScalarAsync<string>("SELECT string_agg(customer_id::text || rfm_cell || value_tier, ',' ORDER BY customer_id) FROM customer_scores");

        // A stored fit that claims convergence but whose parameters cannot score anyone: the run fails after it started (model step).
        var fitId = Guid.NewGuid();
        await _host.ExecuteAsync("""
            INSERT INTO model_fits (id, calibration_end, time_unit, customers, status, bg_nbd, gamma_gamma, created_at, duration_ms)
            VALUES (@id, '2025-01-01', 'week', 2, 'converged', '{"r":-1,"alpha":0,"a":0,"b":0,"logLikelihood":0,"iterations":0,"converged":true}', NULL, now(), 0)
            """, ("id", fitId));
        var response = await _host.Client.PostAsJsonAsync("/v1/scores/runs", new { modelFitId = fitId });
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await Platform.Testing.Eventually.TrueAsync(async () =>
            (await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/scores/runs/{runId}")).GetProperty("status").GetString() == "failed", "the run to fail");
        var run = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/scores/runs/{runId}");
        Assert.False(string.IsNullOrEmpty(run.GetProperty("error").GetString()));
        Assert.Equal(before, await _host.ScalarAsync<string>("SELECT string_agg(customer_id::text || rfm_cell || value_tier, ',' ORDER BY customer_id) FROM customer_scores"));
        Assert.True(await _host.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'customer_scores_pkey')"));

        // The next run works as usual (without the broken fit, which the latest-fit selection would otherwise take).
        await _host.ExecuteAsync("UPDATE model_fits SET status = 'failed', status_reason = 'broken on purpose' WHERE id = @id", ("id", fitId));
        await _host.ScoreAsync();
        Assert.Equal(2L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores"));
    }

    [Fact]
    public async Task BadSettingsAndRuns_Get400NamingEachField_AndChangeNothing()
    {
        var before = await _host.Client.GetStringAsync("/v1/scores/settings");
        var response = await _host.Client.PutAsJsonAsync("/v1/scores/settings", new
        {
            valueMeasure = "vibes",
            topTierShare = 0.8,
            middleTierShare = 0.4,
            dealSeekerMinOrders = 0,
            economics = new { retentionRate = 1.5, horizonYears = 0 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "valueMeasure", "middleTierShare", "dealSeekerMinOrders", "economics.retentionRate", "economics.horizonYears" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}");
        }

        Assert.Equal(before, await _host.Client.GetStringAsync("/v1/scores/settings"));

        var unknownFit = await _host.Client.PostAsJsonAsync("/v1/scores/runs", new { modelFitId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, unknownFit.StatusCode);
        var future = await _host.Client.PostAsJsonAsync("/v1/scores/runs", new { asOf = DateTimeOffset.UtcNow.AddDays(2) });
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        // The one timestamp grammar: without an offset, or a date alone, asOf is refused by name.
        foreach (var asOf in new[] { "2025-01-01T00:00:00", "2025-01-01", "2025-01-01 00:00:00Z" })
        {
            var noOffset = await _host.Client.PostAsJsonAsync("/v1/scores/runs", new { asOf });
            Assert.Equal(HttpStatusCode.BadRequest, noOffset.StatusCode);
            Assert.True((await noOffset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("asOf", out _), asOf);
        }

        var badFit = await _host.Client.PostAsJsonAsync("/v1/models/fits", new { timeUnit = "fortnight" });
        var fitErrors = (await badFit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(fitErrors.TryGetProperty("calibrationEnd", out _));
        Assert.True(fitErrors.TryGetProperty("timeUnit", out _));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM score_runs"));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM model_fits"));
    }

    [Fact]
    public async Task EconomicsClv_ReportsTheYearTableWithItsInputs()
    {
        await _host.AddCustomerAsync("e1", orders: 2, net: 200);

        var response = await _host.Client.PostAsJsonAsync("/v1/clv/economics", new
        {
            inputs = new { retentionRate = 0.5, referralRate = 0, acquisitionCost = 10, marketingCostPerYear = 0, productCostRate = 0.5, ordersPerYear = 2, averageOrderSize = 100, horizonYears = 2 },
            annualDiscountRate = 0,
        });

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        // Year 1: 2 x 100 x 0.5 margin = 100; year 2: half still active = 50; total 150, minus 10 to acquire.
        Assert.Equal(150, result.GetProperty("lifetimeValue").GetDouble(), 6);
        Assert.Equal(140, result.GetProperty("lifetimeValueAfterAcquisition").GetDouble(), 6);
        Assert.Equal(2, result.GetProperty("years").GetArrayLength());
        Assert.Equal(0.5, result.GetProperty("inputs").GetProperty("retentionRate").GetDouble());
    }

    private async Task<bool> DealSeekerAsync(Guid id) =>
        await _host.ScalarAsync<bool>("SELECT deal_seeker FROM customer_scores WHERE customer_id = @id", ("id", id));

    private async Task<Dictionary<string, JsonElement>> SettingsAsync() =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await _host.Client.GetStringAsync("/v1/scores/settings"))!;
}

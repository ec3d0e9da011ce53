using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

public sealed class ScoringScheduleTests : IAsyncLifetime
{
    // 00:30 UTC with the daily run at 00:00: when the service starts, today's run is due and has not been queued yet.
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 0, 30, 0, TimeSpan.Zero));
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("schedule", new Dictionary<string, string?>
    {
        ["Scoring:Schedule:Enabled"] = "true",
        ["Scoring:Schedule:DailyAtUtc"] = "00:00",
    }, _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DailyRun_WithTwoReplicas_IsQueuedAndRunOncePerDay()
    {
        await using var replica = await _host.StartReplicaAsync();
        await _host.AddCustomerAsync("daily-1", orders: 2, net: 50);

        await WaitForCompletedScheduledRunsAsync(1);
        _clock.Advance(TimeSpan.FromDays(1));
        await WaitForCompletedScheduledRunsAsync(2);

        // Both replicas enqueued each day's run; the unique key per due time kept one job, and one run, per day.
        Assert.Equal(2L, await _host.ScalarAsync<long>("SELECT count(*) FROM score_runs WHERE trigger = 'schedule'"));
        Assert.Equal(
            "2026-03-01T00:00:00.0000000Z,2026-03-02T00:00:00.0000000Z",
            await _host.ScalarAsync<string>("SELECT string_agg(unique_key, ',' ORDER BY unique_key) FROM jobs WHERE kind = 'segmentation.scoring-run'"));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM customer_scores"));
    }

    [Fact]
    public async Task AdminJobs_ListsJobsWithTheirRuns_AndRefusesAnUnknownStatus()
    {
        var run = await _host.ScoreAsync();
        var runId = run.GetProperty("id").GetString();

        using var admin = _host.App.CreateAdminClient();
        // The run's status commits before the scheduler records the job's outcome, in its own transaction: wait for it.
        var apiJobJson = await Eventually.ValueAsync(async () =>
        {
            var jobs = await admin.GetFromJsonAsync<JsonElement>("/admin/jobs?kind=segmentation.scoring-run&status=succeeded");
            return jobs.EnumerateArray().Where(j => j.GetProperty("uniqueKey").ValueKind == JsonValueKind.Null).Select(j => j.GetRawText()).SingleOrDefault();
        }, "the API-triggered scoring job recorded as succeeded");
        using var apiJobDocument = JsonDocument.Parse(apiJobJson);
        var apiJob = apiJobDocument.RootElement;
        Assert.Equal("succeeded", apiJob.GetProperty("status").GetString());
        var attempt = Assert.Single(apiJob.GetProperty("runs").EnumerateArray());
        Assert.Equal("succeeded", attempt.GetProperty("outcome").GetString());
        Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
        Assert.NotNull(runId);

        var bad = await admin.GetAsync("/admin/jobs?status=finished&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    private async Task WaitForCompletedScheduledRunsAsync(long count) =>
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<long>(
            "SELECT count(*) FROM score_runs WHERE trigger = 'schedule' AND status = 'completed'") == count, $"scheduled run {count} to complete");
}

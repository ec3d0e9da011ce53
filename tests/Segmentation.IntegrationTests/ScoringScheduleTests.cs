using Platform.Testing;

namespace Segmentation.IntegrationTests;

public sealed class ScoringScheduleTests : IAsyncLifetime
{
    private SegmentationTestHost _host = null!;

    // Daily at 00:00 UTC: when the service starts, today's run is due and has not been queued yet.
    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("schedule", new Dictionary<string, string?>
    {
        ["Scoring:Schedule:Enabled"] = "true",
        ["Scoring:Schedule:DailyAtUtc"] = "00:00",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DueDailyRun_IsQueuedOnceAndCompletes()
    {
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<long>(
            "SELECT count(*) FROM score_runs WHERE trigger = 'schedule' AND status = 'completed'") == 1, "the scheduled run to complete");

        // The worker keeps polling; the same due time never queues a second run.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM score_runs WHERE trigger = 'schedule'"));
    }
}

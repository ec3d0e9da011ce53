using System.Text.Json;
using Platform.Contracts.Campaigns;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>A launch that dies midway resumes from its cursor: every member assigned and every batch published exactly once.</summary>
public sealed class LaunchResumeTests : IAsyncLifetime
{
    private LaunchTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LaunchTestHost.StartAsync("launch-resume", new Dictionary<string, string?>
        {
            ["Campaigns:Launch:ChunkSize"] = "2000",
            ["Campaigns:Launch:RetryDelay"] = "00:00:01",
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Assignment_FailingAfterTwoChunks_ThenRestarted_ResumesWithoutDoubling()
    {
        // The third chunk's transaction fails at its last statement (the progress update), after its assignments and
        // batches were written: all of it must roll back, as when the process dies there.
        await _host.Host.ExecuteAsync("""
            CREATE FUNCTION test_die_midway() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.assigned_count > 4000 THEN RAISE EXCEPTION 'killed midway'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_die_midway BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION test_die_midway();
            """);
        var campaignId = await _host.AddCampaignAsync();
        var members = LaunchTestHost.Members(10_500, seed: 4);
        await _host.PublishSnapshotAsync(await _host.LaunchAsync(campaignId), members);

        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>(
            "SELECT count(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.kind = 'campaigns.assign' AND r.outcome = 'failed'") >= 1,
            "an attempt of the assignment job failed", TimeSpan.FromSeconds(60));
        Assert.Equal(4_000, await _host.Host.ScalarAsync<int>("SELECT assigned_count FROM campaigns WHERE id = @campaignId", new { campaignId }));
        Assert.Equal(4_000L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM assignments WHERE campaign_id = @campaignId", new { campaignId }));
        Assert.Equal([1, 2, 3, 4], await _host.AssignedBatchNumbersAsync(campaignId));

        // A new process, the fault gone: the job's next attempt continues at the cursor.
        await _host.Host.RestartAsync(whileStopped: () => _host.Host.ExecuteAsync("DROP TRIGGER test_die_midway ON campaigns"));
        await _host.WaitLaunchStateAsync(campaignId, "assigned");

        Assert.Equal(Enumerable.Range(1, 11), await _host.AssignedBatchNumbersAsync(campaignId));
        Assert.Equal(10_500L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM assignments WHERE campaign_id = @campaignId", new { campaignId }));
        Assert.Equal(10_500, await _host.Host.ScalarAsync<int>("SELECT assigned_count FROM campaigns WHERE id = @campaignId", new { campaignId }));
        var bodies = await _host.Host.QueryAsync<string>("SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.CustomersAssigned,%'");
        var assigned = bodies.SelectMany(b => JsonSerializer.Deserialize<CustomersAssigned>(b, LaunchTestHost.Json)!.Assignments).ToList();
        Assert.Equal(10_500, assigned.Count);
        Assert.Equal(members.Select(m => m.CustomerId).Order(), assigned.Select(a => a.CustomerId).Order());
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.CampaignLaunched,%'"));
    }
}

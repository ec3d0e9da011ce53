using Campaigns.Features.Dispatch;
using Microsoft.Extensions.DependencyInjection;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>Dispatch's hook is called once per launch, in the transaction that finishes the assignment.</summary>
public sealed class LaunchListenerTests : IAsyncLifetime
{
    private LaunchTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await LaunchTestHost.StartAsync("launch-listener", new Dictionary<string, string?> { ["Campaigns:Launch:ChunkSize"] = "1000" },
            services: s => s.AddSingleton<ICampaignLaunchListener, RecordingLaunchListener>());
        await _host.Host.ExecuteAsync("CREATE TABLE test_launch_calls (campaign_id uuid, launch_state text, assignments bigint)");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Listener_IsCalledOnce_InTheLastTransaction_WithEveryMemberAssigned()
    {
        var campaignId = await _host.AddCampaignAsync();
        await _host.PublishSnapshotAsync(await _host.LaunchAsync(campaignId), LaunchTestHost.Members(2_345, seed: 5));
        await _host.WaitLaunchStateAsync(campaignId, "assigned");

        var calls = await _host.Host.QueryAsync<(Guid, string, long)>("SELECT campaign_id, launch_state, assignments FROM test_launch_calls");
        Assert.Equal((campaignId, "assigned", 2_345L), Assert.Single(calls));
    }
}

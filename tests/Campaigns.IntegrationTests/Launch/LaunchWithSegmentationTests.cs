using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>
/// A launch end to end with the real Segmentation on the same vhost: the snapshot asked for by command, frozen there,
/// received here in batches, and every member assigned.
/// </summary>
public sealed class LaunchWithSegmentationTests : IAsyncLifetime
{
    private TestVirtualHost _vhost = null!;
    private ServiceTestHost<Segmentation.Program> _segmentation = null!;
    private LaunchTestHost _campaigns = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("launch-e2e");
        _segmentation = await ServiceTestHost<Segmentation.Program>.StartAsync("launch-e2e-seg", new ServiceTestHostOptions
        {
            VirtualHost = _vhost, OnLoopback = false, Settings = new Dictionary<string, string?> { ["Scoring:Schedule:Enabled"] = "false" },
        });
        await _segmentation.WaitBusReadyAsync();
        _campaigns = await LaunchTestHost.StartAsync("launch-e2e-cmp", new Dictionary<string, string?> { ["Campaigns:Launch:ChunkSize"] = "1000" }, _vhost);
    }

    public async Task DisposeAsync()
    {
        await _campaigns.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Launch_OnTheRealSegmentation_AssignsEveryMemberOfTheSegment()
    {
        using var created = await _segmentation.Client.PostAsJsonAsync("/v1/segments", new { name = "swedes", rule = new { field = "country", op = "eq", value = "SE" } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var swedes = Enumerable.Range(0, 2_500).Select(_ => Guid.NewGuid()).ToArray();
        await _segmentation.ExecuteAsync("""
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, customer_updated_at, created_at)
            SELECT id, 'test', id::text, 'customer', 'SE', now(), now() FROM unnest(@swedes) AS id;
            INSERT INTO customer_profiles (customer_id, source, external_id, lifecycle, country, customer_updated_at, created_at)
            SELECT id, 'test', id::text, 'prospect', 'NO', now(), now() FROM unnest(@others) AS id;
            """, new { swedes, others = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray() });

        var campaignId = await _campaigns.AddCampaignAsync(segmentId: segmentId);
        var snapshotId = await _campaigns.LaunchAsync(campaignId);
        await _campaigns.WaitLaunchStateAsync(campaignId, "assigned", TimeSpan.FromMinutes(2));

        Assert.Equal("complete", await _campaigns.Host.ScalarAsync<string>("SELECT status FROM snapshots WHERE snapshot_id = @snapshotId", new { snapshotId }));
        Assert.Equal(1L, await _segmentation.ScalarAsync<long>("SELECT count(*) FROM segment_snapshots WHERE id = @snapshotId", new { snapshotId }));
        var assigned = await _campaigns.Host.QueryAsync<(Guid Customer, string? Lifecycle)>(
            "SELECT customer_id, lifecycle FROM assignments WHERE campaign_id = @campaignId", new { campaignId });
        Assert.Equal(swedes.Order(), assigned.Select(a => a.Customer).Order());
        Assert.All(assigned, a => Assert.Equal("customer", a.Lifecycle));
        Assert.Equal(Enumerable.Range(1, 3), await _campaigns.AssignedBatchNumbersAsync(campaignId));
    }
}

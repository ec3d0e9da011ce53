using Campaigns.IntegrationTests.Launch;
using Platform.Contracts.Segmentation;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Snapshots;

/// <summary>Snapshots asked of Segmentation arrive as events in any order, repeated or redelivered, and count once.</summary>
public sealed class SnapshotReceiptTests : IAsyncLifetime
{
    private LaunchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await LaunchTestHost.StartAsync("snapshot-receipt");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Batches_OutOfOrderRepeatedAndBeforeTheHeader_CountOnce_AndCompleteWhenAllAreIn()
    {
        var campaignId = await _host.AddCampaignAsync();
        var snapshotId = await RequestPreviewAsync(campaignId);
        var members = LaunchTestHost.Members(3_500);
        var batches = LaunchTestHost.Batches(snapshotId, members); // 4 batches

        var redelivered = Guid.NewGuid();
        await _host.PublishAsync(batches[2], redelivered);
        await _host.PublishAsync(batches[0]);
        await _host.PublishAsync(batches[2], redelivered);                // the same message again (inbox)
        await _host.PublishAsync(batches[0] with { Members = [.. batches[0].Members] }); // the same batch published anew
        await _host.PublishAsync(LaunchTestHost.Header(snapshotId, members.Count));
        await _host.PublishAsync(batches[3]);

        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE consumer LIKE 'SegmentSnapshot%'") == 5,
            "the five distinct messages handled");
        Assert.Equal("requested", await StatusAsync(snapshotId)); // batch 2 is missing
        Assert.Equal(2_500L, await MemberCountAsync(snapshotId));

        await _host.PublishAsync(batches[1]);
        await Eventually.TrueAsync(async () => await StatusAsync(snapshotId) == "complete", "the snapshot complete");
        Assert.Equal(3_500L, await MemberCountAsync(snapshotId));
        Assert.Equal(4L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM snapshot_batches WHERE snapshot_id = @snapshotId", new { snapshotId }));

        // Attributes arrive as sent.
        var sample = members[1_234];
        var row = (await _host.Host.QueryAsync<(string? Tier, double? Clv, bool DealSeeker, decimal Net, int Orders, string? Lifecycle, bool? Email, bool? Sms, bool? Phone)>(
            """
            SELECT value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle, consent_email, consent_sms, consent_phone
            FROM snapshot_members WHERE snapshot_id = @snapshotId AND customer_id = @customer
            """, new { snapshotId, customer = sample.CustomerId })).Single();
        Assert.Equal((sample.ValueTier, sample.Clv, sample.DealSeeker, sample.NetRevenue365, sample.Orders365, sample.Lifecycle, sample.Consents.Email, sample.Consents.Sms, sample.Consents.Phone), row);

        // A preview snapshot starts no assignment.
        Assert.Equal(0L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'campaigns.assign'"));
    }

    [Fact]
    public async Task Events_OfSnapshotsNotRequestedHere_AreIgnored()
    {
        var foreign = Guid.NewGuid();
        var members = LaunchTestHost.Members(10);
        var messageId = Guid.NewGuid();
        await _host.PublishAsync(LaunchTestHost.Batches(foreign, members)[0], messageId);
        await _host.PublishAsync(LaunchTestHost.Header(foreign, members.Count));

        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId }) == 1,
            "the foreign batch handled");
        Assert.Equal(0L, await MemberCountAsync(foreign));
        Assert.Equal(0L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM snapshot_batches WHERE snapshot_id = @foreign", new { foreign }));
        Assert.Equal(0L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM snapshots WHERE snapshot_id = @foreign", new { foreign }));
    }

    [Fact]
    public async Task Refused_LaunchSnapshot_FailsTheLaunchWithTheReason_AndTheCampaignCanBeLaunchedAgain()
    {
        var campaignId = await _host.AddCampaignAsync();
        var snapshotId = await _host.LaunchAsync(campaignId);

        await _host.PublishAsync(new SegmentSnapshotRefused { SnapshotId = snapshotId, SegmentId = Guid.NewGuid(), Reason = "The segment does not exist." });

        await _host.WaitLaunchStateAsync(campaignId, "failed");
        var (status, error) = (await _host.Host.QueryAsync<(string, string)>("SELECT status, launch_error FROM campaigns WHERE id = @campaignId", new { campaignId })).Single();
        Assert.Equal("draft", status);
        Assert.Equal("The segment does not exist.", error);
        Assert.Equal("refused", await StatusAsync(snapshotId));

        // A late header of the refused snapshot changes nothing; a new launch asks for a new snapshot.
        await _host.PublishAsync(LaunchTestHost.Header(snapshotId, 0));
        var second = await _host.LaunchAsync(campaignId);
        Assert.NotEqual(snapshotId, second);
        await _host.WaitLaunchStateAsync(campaignId, "awaiting_snapshot");
        Assert.Equal("refused", await StatusAsync(snapshotId));
    }

    private async Task<Guid> RequestPreviewAsync(Guid campaignId)
    {
        var snapshotId = Guid.NewGuid();
        await _host.Host.ExecuteAsync("""
            INSERT INTO snapshots (snapshot_id, campaign_id, purpose, segment_id, requested_at) VALUES (@snapshotId, @campaignId, 'preview', @segment, now())
            """, new { snapshotId, campaignId, segment = Guid.NewGuid() });
        return snapshotId;
    }

    private Task<string> StatusAsync(Guid snapshotId) =>
        _host.Host.ScalarAsync<string>("SELECT status FROM snapshots WHERE snapshot_id = @snapshotId", new { snapshotId });

    private Task<long> MemberCountAsync(Guid snapshotId) =>
        _host.Host.ScalarAsync<long>("SELECT count(*) FROM snapshot_members WHERE snapshot_id = @snapshotId", new { snapshotId });
}

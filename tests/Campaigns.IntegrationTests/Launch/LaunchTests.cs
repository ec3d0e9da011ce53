using System.Net;
using System.Text.Json;
using Campaigns.Features.Assignment;
using Campaigns.Features.Design;
using MathNet.Numerics.Distributions;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Segmentation;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>Launch: the snapshot by command, every member assigned deterministically in chunks, the events once each.</summary>
public sealed class LaunchTests : IAsyncLifetime
{
    private const int ChunkSize = 2_000;
    private LaunchTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LaunchTestHost.StartAsync("launch", new Dictionary<string, string?> { ["Campaigns:Launch:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Launch_AssignsEveryMemberByTheDraw_CopiesAttributes_AndPublishesEachBatchOnce()
    {
        var salt = Guid.NewGuid();
        await _host.Host.ExecuteAsync("UPDATE global_control SET share = 0.1, salt = @salt", new { salt });
        var campaignId = await _host.AddCampaignAsync();
        var snapshotId = await _host.LaunchAsync(campaignId);

        var state = (await _host.Host.QueryAsync<(string, string)>("SELECT status, launch_state FROM campaigns WHERE id = @campaignId", new { campaignId })).Single();
        Assert.Equal(("scheduled", "awaiting_snapshot"), state);
        var command = await _host.Host.ScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Segmentation.CreateSegmentSnapshot,%'");
        Assert.Equal(snapshotId, JsonDocument.Parse(command).RootElement.GetProperty("snapshotId").GetGuid());

        var members = LaunchTestHost.Members(5_500);
        await _host.PublishSnapshotAsync(snapshotId, members);
        await _host.WaitLaunchStateAsync(campaignId, "assigned");

        var rows = (await _host.Host.QueryAsync<AssignmentRow>(
            """
            SELECT customer_id AS CustomerId, cell, wave, global_control AS GlobalControl, value_tier AS ValueTier, clv, deal_seeker AS DealSeeker,
                   net_revenue_365 AS NetRevenue365, orders_365 AS Orders365, lifecycle
            FROM assignments WHERE campaign_id = @campaignId
            """, new { campaignId })).ToDictionary(r => r.CustomerId);
        Assert.Equal(members.Count, rows.Count);
        var bounds = AssignmentHash.CumulativeBounds([.. LaunchTestHost.ThreeCells.Select(c => c.Share)]);
        foreach (var member in members)
        {
            var row = rows[member.CustomerId];
            var global = AssignmentHash.Draw(salt, member.CustomerId) < 0.1;
            var cell = global ? CampaignDesign.GlobalControlCell : LaunchTestHost.ThreeCells[AssignmentHash.Slot(AssignmentHash.Draw(campaignId, member.CustomerId), bounds)].Code;
            Assert.Equal(new AssignmentRow(member.CustomerId, cell, 1, global, member.ValueTier, member.Clv, member.DealSeeker, member.NetRevenue365, member.Orders365, member.Lifecycle), row);
        }

        Assert.Contains(rows.Values, r => r.GlobalControl);
        Assert.Equal(Enumerable.Range(1, 6), await _host.AssignedBatchNumbersAsync(campaignId));
        var campaign = (await _host.Host.QueryAsync<(string Status, int MemberCount, int AssignedCount)>(
            "SELECT status, member_count, assigned_count FROM campaigns WHERE id = @campaignId", new { campaignId })).Single();
        Assert.Equal(("running", 5_500, 5_500), campaign);

        var launched = JsonDocument.Parse(await _host.Host.ScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.CampaignLaunched,%'")).RootElement;
        Assert.Equal(5_500, launched.GetProperty("memberCount").GetInt32());
        Assert.Equal(0.1, launched.GetProperty("globalControlShare").GetDouble());
        Assert.Equal(1, launched.GetProperty("waves").GetArrayLength()); // the design has none: one wave at launch
        Assert.Equal(3, launched.GetProperty("cells").GetArrayLength());

        // Every batch but the last holds 1,000; together they hold every member once, with its cell.
        var batches = await _host.Host.QueryAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.CustomersAssigned,%'");
        var published = batches.Select(b => JsonSerializer.Deserialize<CustomersAssigned>(b, LaunchTestHost.Json)!).ToList();
        Assert.All(published, b => Assert.Equal(6, b.BatchCount));
        Assert.Equal(500, published.Single(b => b.BatchNumber == 6).Assignments.Count);
        var all = published.SelectMany(b => b.Assignments).ToList();
        Assert.Equal(members.Count, all.Select(a => a.CustomerId).Distinct().Count());
        Assert.All(all, a => Assert.Equal(rows[a.CustomerId].Cell, a.Cell));

        // Launched is not draft: a second launch is refused.
        using var again = await _host.Client.PostAsync($"/v1/campaigns/{campaignId}/launch", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Launch_WhileLaunching_OfAnExternalCampaign_OrOfNone_IsRefused()
    {
        var campaignId = await _host.AddCampaignAsync();
        await _host.LaunchAsync(campaignId);
        using var second = await _host.Client.PostAsync($"/v1/campaigns/{campaignId}/launch", null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM snapshots WHERE campaign_id = @campaignId", new { campaignId }));

        var external = await _host.AddCampaignAsync(kind: "external");
        using var refused = await _host.Client.PostAsync($"/v1/campaigns/{external}/launch", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("draft", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @external", new { external }));

        using var missing = await _host.Client.PostAsync($"/v1/campaigns/{Guid.NewGuid()}/launch", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Launch_SharesOfCellsAndWaves_AreWithinSamplingError_AndAFutureFirstWaveKeepsItScheduled()
    {
        await _host.Host.ExecuteAsync("UPDATE global_control SET share = 0");
        IReadOnlyList<CampaignCell> cells = [LaunchTestHost.Cell(CampaignDesign.ControlCell, 0.1), LaunchTestHost.Cell("a", 0.3), LaunchTestHost.Cell("b", 0.6)];
        var start = DateTimeOffset.UtcNow.AddDays(7);
        IReadOnlyList<CampaignWave> waves =
        [
            new() { Number = 1, Share = 0.25, StartsAt = start },
            new() { Number = 2, Share = 0.75, StartsAt = start.AddDays(14) },
        ];
        var campaignId = await _host.AddCampaignAsync(cells, waves);
        var snapshotId = await _host.LaunchAsync(campaignId);
        await _host.PublishSnapshotAsync(snapshotId, LaunchTestHost.Members(20_000, seed: 2));
        await _host.WaitLaunchStateAsync(campaignId, "assigned");

        var byCell = (await _host.Host.QueryAsync<(string Cell, long Count)>("SELECT cell, count(*) FROM assignments WHERE campaign_id = @campaignId GROUP BY cell", new { campaignId }))
            .ToDictionary(r => r.Cell, r => (double)r.Count);
        Assert.True(ChiSquareP([.. cells.Select(c => byCell.GetValueOrDefault(c.Code))], [.. cells.Select(c => c.Share)]) > 0.001, string.Join(", ", byCell));
        var byWave = (await _host.Host.QueryAsync<(int Wave, long Count)>("SELECT wave, count(*) FROM assignments WHERE campaign_id = @campaignId GROUP BY wave", new { campaignId }))
            .ToDictionary(r => r.Wave, r => (double)r.Count);
        Assert.True(ChiSquareP([byWave.GetValueOrDefault(1), byWave.GetValueOrDefault(2)], [0.25, 0.75]) > 0.001, string.Join(", ", byWave));
        // Cell and wave draws are independent: cell shares hold inside each wave too.
        var wave1ByCell = (await _host.Host.QueryAsync<(string Cell, long Count)>("SELECT cell, count(*) FROM assignments WHERE campaign_id = @campaignId AND wave = 1 GROUP BY cell", new { campaignId }))
            .ToDictionary(r => r.Cell, r => (double)r.Count);
        Assert.True(ChiSquareP([.. cells.Select(c => wave1ByCell.GetValueOrDefault(c.Code))], [.. cells.Select(c => c.Share)]) > 0.001, string.Join(", ", wave1ByCell));

        Assert.Equal("scheduled", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaignId", new { campaignId }));
        var launchedWaves = JsonDocument.Parse(await _host.Host.ScalarAsync<string>("SELECT launched_waves::text FROM campaigns WHERE id = @campaignId", new { campaignId })).RootElement;
        Assert.Equal(start, launchedWaves[0].GetProperty("startsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Launch_OfACopyWithTheSameIdInAnotherDatabase_GivesIdenticalAssignments()
    {
        var salt = Guid.NewGuid();
        await _host.Host.ExecuteAsync("UPDATE global_control SET share = 0.2, salt = @salt", new { salt });
        var campaignId = await _host.AddCampaignAsync();
        var members = LaunchTestHost.Members(3_000, seed: 3);
        await _host.PublishSnapshotAsync(await _host.LaunchAsync(campaignId), members);

        // A replica elsewhere: its own database, a different chunk size, the members in another order.
        await using var other = await LaunchTestHost.StartAsync("launch-copy", new Dictionary<string, string?> { ["Campaigns:Launch:ChunkSize"] = "1000" });
        await other.Host.ExecuteAsync("UPDATE global_control SET share = 0.2, salt = @salt", new { salt });
        await other.AddCampaignAsync(id: campaignId);
        await other.PublishSnapshotAsync(await other.LaunchAsync(campaignId), [.. members.OrderBy(m => m.Clv)]);

        await _host.WaitLaunchStateAsync(campaignId, "assigned");
        await other.WaitLaunchStateAsync(campaignId, "assigned");
        const string Sql = "SELECT string_agg(customer_id || ':' || cell || ':' || wave, ',' ORDER BY customer_id) FROM assignments WHERE campaign_id = @campaignId";
        var here = await _host.Host.ScalarAsync<string>(Sql, new { campaignId });
        Assert.Equal(here, await other.Host.ScalarAsync<string>(Sql, new { campaignId }));
        Assert.Contains(":global_control:", here, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_EmptySnapshot_FinishesWithNoBatches()
    {
        var campaignId = await _host.AddCampaignAsync();
        var snapshotId = await _host.LaunchAsync(campaignId);
        await _host.PublishAsync(new SegmentSnapshotCreated
        {
            SnapshotId = snapshotId, SegmentId = Guid.NewGuid(), SegmentName = "empty", AsOf = DateTimeOffset.UtcNow, MemberCount = 0, BatchCount = 0,
        });
        await _host.WaitLaunchStateAsync(campaignId, "assigned");
        Assert.Empty(await _host.AssignedBatchNumbersAsync(campaignId));
        Assert.Equal(0, await _host.Host.ScalarAsync<int>("SELECT member_count FROM campaigns WHERE id = @campaignId", new { campaignId }));
    }

    /// <summary>Pearson's chi-square test of observed counts against expected shares; the p-value.</summary>
    private static double ChiSquareP(double[] observed, double[] shares)
    {
        var n = observed.Sum();
        var statistic = observed.Select((o, i) => Math.Pow(o - n * shares[i], 2) / (n * shares[i])).Sum();
        return 1 - ChiSquared.CDF(observed.Length - 1, statistic);
    }

    private sealed record AssignmentRow(Guid CustomerId, string Cell, int Wave, bool GlobalControl, string? ValueTier, double? Clv, bool DealSeeker,
        decimal NetRevenue365, int Orders365, string? Lifecycle);
}

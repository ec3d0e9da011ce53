using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Campaigns.Features.Assignment;
using Campaigns.Features.Policy;
using Campaigns.IntegrationTests.Design;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Preview;

public sealed class PreviewApiTests : IAsyncLifetime
{
    private static readonly Guid Segment = Guid.Parse("0196a3b2-0000-7000-8000-0000000000aa");
    private static readonly string[] Cells = ["control", "mail_call", "email"];

    private ServiceTestHost<Program> _host = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _host = await ServiceTestHost<Program>.StartAsync("campaigns-preview", new ServiceTestHostOptions { OnLoopback = false });
        await _host.ExecuteAsync("INSERT INTO segments (segment_id, name, deleted, version) VALUES (@Segment, 'lapsed', false, 1)", new { Segment });
        await _host.ExecuteAsync("UPDATE global_control SET share = 0.1");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Preview_IsPendingUntilTheSnapshotArrives_ThenCountsItWithTheLaunchDraw()
    {
        var campaignId = await CreateCampaignAsync("P-1");

        var response = await Client.PostAsJsonAsync($"/v1/campaigns/{campaignId}/preview", new { baselineResponseRate = 0.05, relativeLiftToDetect = 0.2 });

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var previewId = accepted.GetProperty("previewId").GetGuid();
        var snapshotId = accepted.GetProperty("snapshotId").GetGuid();
        Assert.EndsWith($"/v1/campaigns/{campaignId}/previews/{previewId}", response.Headers.Location!.ToString());
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        Assert.Equal(0.8, accepted.GetProperty("parameters").GetProperty("power").GetDouble());
        Assert.Equal(0.05, accepted.GetProperty("parameters").GetProperty("alpha").GetDouble());
        // The snapshot was asked for by command, in the same transaction.
        Assert.Equal("preview", await _host.ScalarAsync<string>("SELECT purpose FROM snapshots WHERE snapshot_id = @snapshotId AND segment_id = @Segment", new { snapshotId, Segment }));
        Assert.Equal(1, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%CreateSegmentSnapshot%' AND body::text LIKE '%' || @id || '%'", new { id = snapshotId.ToString() }));

        var location = $"/v1/campaigns/{campaignId}/previews/{previewId}";
        Assert.Equal("pending", (await Client.GetFromJsonAsync<JsonElement>(location)).GetProperty("status").GetString());

        var members = await AddSnapshotAsync(snapshotId, 3_000);
        // Readers arriving together: the figures are counted once and kept, every reader gets the same.
        var readers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Client.GetFromJsonAsync<JsonElement>(location)));
        var preview = readers[0];
        Assert.All(readers, r => Assert.Equal(preview.GetProperty("computedAt").GetDateTimeOffset(), r.GetProperty("computedAt").GetDateTimeOffset()));

        Assert.Equal("complete", preview.GetProperty("status").GetString());
        var figures = preview.GetProperty("figures");
        Assert.Equal(3_000, figures.GetProperty("memberCount").GetInt64());
        var expected = await ExpectedAsync(campaignId, members);
        var cells = figures.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!);
        Assert.Equal([.. Cells, "global_control"], cells.Keys);
        foreach (var (code, cell) in cells)
        {
            var mine = expected.Where(m => m.Cell == code).ToList();
            Assert.Equal(mine.Count, cell.GetProperty("members").GetInt64());
            Assert.Equal([mine.Count(m => m.Wave == 1), mine.Count(m => m.Wave == 2)], cell.GetProperty("membersByWave").EnumerateArray().Select(w => w.GetInt32()));
            Assert.Equal(mine.Count(m => (m.Mask & 4) != 0), cell.GetProperty("reachable").GetProperty("email").GetInt64());
            Assert.Equal(mine.Count(m => (m.Mask & 1) != 0), cell.GetProperty("reachable").GetProperty("direct_mail").GetInt64());
        }

        Assert.InRange(cells["global_control"].GetProperty("members").GetInt64(), 200, 400); // 10% of 3,000
        var mailCall = expected.Where(m => m.Cell == "mail_call").ToList();
        var steps = cells["mail_call"].GetProperty("cost").GetProperty("steps");
        Assert.Equal(mailCall.Count(m => (m.Mask & 1) != 0), steps[0].GetProperty("contacts").GetInt64());
        Assert.Equal(mailCall.Count(m => (m.Mask & (2 | 8)) != 0), steps[1].GetProperty("contacts").GetInt64());
        Assert.Equal(JsonValueKind.Number, cells["email"].GetProperty("minimumDetectableLift").GetProperty("absolute").ValueKind);
        Assert.Equal(0.01, figures.GetProperty("liftToDetect").GetProperty("absoluteLift").GetDouble(), 1e-12);
        Assert.Equal(3_000, figures.GetProperty("waves").EnumerateArray().Sum(w => w.GetProperty("members").GetInt64()));
        Assert.True(figures.GetProperty("budget").GetProperty("withinBudget").GetBoolean());

        // Kept: a later read gives the same figures.
        var again = await Client.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(preview.GetProperty("computedAt").GetDateTimeOffset(), again.GetProperty("computedAt").GetDateTimeOffset());
        Assert.True(JsonElement.DeepEquals(figures, again.GetProperty("figures")), again.GetRawText());
    }

    [Fact]
    public async Task RefusedSnapshot_MakesTheRefusalWithItsReason()
    {
        var campaignId = await CreateCampaignAsync("P-REFUSED");
        var response = await Client.PostAsJsonAsync($"/v1/campaigns/{campaignId}/preview", new { baselineResponseRate = 0.02 });
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        await _host.ExecuteAsync("UPDATE snapshots SET status = 'refused', refused_reason = 'The segment was deleted.' WHERE snapshot_id = @id",
            new { id = accepted.GetProperty("snapshotId").GetGuid() });

        var preview = await Client.GetFromJsonAsync<JsonElement>(response.Headers.Location!);

        Assert.Equal("refused", preview.GetProperty("status").GetString());
        Assert.Equal("The segment was deleted.", preview.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("figures").ValueKind);
    }

    [Fact]
    public async Task BadParameters_Are400NamingEach_AndRequestNothing()
    {
        var campaignId = await CreateCampaignAsync("P-BAD");

        var response = await Client.PostAsJsonAsync($"/v1/campaigns/{campaignId}/preview", new { relativeLiftToDetect = -0.1, power = 0.3, alpha = 0.9 });

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, "baselineResponseRate", "relativeLiftToDetect", "power", "alpha");
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT count(*) FROM previews"));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT count(*) FROM snapshots"));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task UnknownCampaignOrPreview_Is404_AndAnExternalCampaignHasNothingToPreview()
    {
        await ProblemAssert.HasProblemAsync(
            await Client.PostAsJsonAsync($"/v1/campaigns/{Guid.NewGuid()}/preview", new { baselineResponseRate = 0.02 }), HttpStatusCode.NotFound);
        var campaignId = await CreateCampaignAsync("P-404");
        await ProblemAssert.HasProblemAsync(await Client.GetAsync($"/v1/campaigns/{campaignId}/previews/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        var external = CampaignRequests.Valid("P-EXTERNAL", Segment);
        external["kind"] = "external";
        external.Remove("segmentId");
        var created = await Client.PostAsJsonAsync("/v1/campaigns", external);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var externalId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await ProblemAssert.HasProblemAsync(
            await Client.PostAsJsonAsync($"/v1/campaigns/{externalId}/preview", new { baselineResponseRate = 0.02 }), HttpStatusCode.Conflict);
    }

    private async Task<Guid> CreateCampaignAsync(string code)
    {
        var response = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid(code, Segment));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Members with a spread of contact details (as the launch helper's receipt consumers would store them), then the
    /// snapshot marked complete. Every 7th member has no contact details at all.
    /// </summary>
    private async Task<Guid[]> AddSnapshotAsync(Guid snapshotId, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        var withDetails = Enumerable.Range(0, count).Where(i => i % 7 != 0).ToArray();
        await _host.ExecuteAsync("""
            INSERT INTO snapshot_members (snapshot_id, customer_id, deal_seeker) SELECT @snapshotId, unnest(@ids), false;
            INSERT INTO customers (customer_id, version, email, phone, address_line, postal_code, consent_email, consent_sms, consent_mail, consent_phone)
            SELECT ids[i + 1], 1,
                   CASE WHEN i % 2 = 0 THEN 'c' || i || '@example.org' END,
                   CASE WHEN i % 3 = 0 THEN '+4930' || (1000000 + i) END,
                   CASE WHEN i % 5 = 0 THEN 'Main Street ' || i END,
                   CASE WHEN i % 5 = 0 AND i % 10 <> 5 THEN '10115' END,
                   i % 4 <> 2, i % 6 = 0, true, i % 9 <> 3
            FROM (SELECT @ids AS ids) AS a, unnest(@withDetails) AS i;
            UPDATE snapshots SET status = 'complete', member_count = @count, completed_at = now() WHERE snapshot_id = @snapshotId;
            """, new { snapshotId, ids, withDetails, count });
        return ids;
    }

    /// <summary>The cell, wave and reachability of each member computed in C# (the launch's draw), independently of the SQL.</summary>
    private async Task<List<(string Cell, int Wave, int Mask)>> ExpectedAsync(Guid campaignId, Guid[] members)
    {
        var salt = await _host.ScalarAsync<Guid>("SELECT salt FROM global_control");
        var globalControl = new GlobalControl(0.1, salt);
        var cellBounds = AssignmentHash.CumulativeBounds([0.1, 0.45, 0.45]);
        var waveBounds = AssignmentHash.CumulativeBounds([0.3, 0.7]);
        var waveSalt = AssignmentHash.WaveSalt(campaignId);
        return members.Select((id, i) =>
        {
            var cell = globalControl.Contains(id) ? "global_control" : Cells[AssignmentHash.Slot(AssignmentHash.Draw(campaignId, id), cellBounds)];
            var wave = AssignmentHash.Slot(AssignmentHash.Draw(waveSalt, id), waveBounds) + 1;
            var mask = i % 7 == 0 ? 0
                : (i % 5 == 0 && i % 10 != 5 ? 1 : 0)
                  | (i % 3 == 0 && i % 9 != 3 ? 2 : 0)
                  | (i % 2 == 0 && i % 4 != 2 ? 4 : 0)
                  | (i % 3 == 0 && i % 6 == 0 ? 8 : 0);
            return (cell, wave, mask);
        }).ToList();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Design;

public sealed class CampaignsApiTests : IAsyncLifetime
{
    private static readonly Guid Segment = Guid.Parse("0196a3b2-0000-7000-8000-00000000000a");
    private static readonly Guid DeletedSegment = Guid.Parse("0196a3b2-0000-7000-8000-00000000000b");

    private ServiceTestHost<Program> _host = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _host = await ServiceTestHost<Program>.StartAsync("campaigns-design", new ServiceTestHostOptions { OnLoopback = false });
        await _host.ExecuteAsync("""
            INSERT INTO segments (segment_id, name, deleted, version) VALUES (@Segment, 'lapsed buyers', false, 3), (@DeletedSegment, 'old', true, 7)
            """, new { Segment, DeletedSegment });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Post_Returns201WithLocationAndETag_AndGetShowsTheDesignStatusAndLaunchProgress()
    {
        var response = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("C-201", Segment));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        Assert.EndsWith($"/v1/campaigns/{id}", response.Headers.Location!.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);

        var get = await Client.GetAsync($"/v1/campaigns/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.Headers.ETag!.Tag);
        var view = await get.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", view.GetProperty("status").GetString());
        Assert.Equal(1, view.GetProperty("revision").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("launchState").ValueKind);
        Assert.Equal(0, view.GetProperty("assignedCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("memberCount").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("launchedAt").ValueKind);
        var design = view.GetProperty("design");
        Assert.Equal("C-201", design.GetProperty("code").GetString());
        Assert.Equal("platform", design.GetProperty("kind").GetString());
        Assert.Equal(["control", "mail_call", "email"], design.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.True(design.GetProperty("cells")[0].GetProperty("isControl").GetBoolean());
        Assert.Equal(2, design.GetProperty("waves")[1].GetProperty("number").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 6, 0, 0, TimeSpan.Zero), design.GetProperty("waves")[1].GetProperty("startsAt").GetDateTimeOffset());

        // The columns beside the design are kept in step with it.
        Assert.Equal("win_back", await _host.ScalarAsync<string>("SELECT objective FROM campaigns WHERE id = @id", new { id }));
        Assert.Equal(Segment, await _host.ScalarAsync<Guid>("SELECT segment_id FROM campaigns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Post_SameCode_IsConflictNamingCode_ButTheSameRequestAgainIsRecognized()
    {
        var first = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("C-DUP", Segment));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var replay = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("C-DUP", Segment));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(id, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        var other = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("C-DUP", Segment, name: "Another one"));
        await ProblemAssert.HasProblemAsync(other, HttpStatusCode.Conflict, "code");
        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT count(*) FROM campaigns WHERE code = 'C-DUP'"));
    }

    [Fact]
    public async Task Post_BadDesign_Is400NamingEveryBadField_AndWritesNothing()
    {
        var request = CampaignRequests.Valid("C-BAD", DeletedSegment);
        request["responseWindowDays"] = 400;
        request["controlShare"] = 0.2;
        request["cells"] = new object[]
        {
            new { code = "global_control", share = 0.4, steps = new object[] { new { channel = "email", dayOffset = 0, costPerContact = 0.01m } } },
            new
            {
                code = "calls", share = 0.45, offerCode = "NONE",
                steps = new object[]
                {
                    new { channel = "outbound_call", dayOffset = 3, condition = "not_reached", costPerContact = -1m },
                    new { channels = new[] { "fax" }, dayOffset = 1, costPerContact = 1m },
                },
            },
        };
        request["waves"] = new object[] { new { share = 0.5, startsAt = "2026-04-01" }, new { share = 0.6, startsAt = "2026-04-15T08:00:00Z" } };
        var before = await CountsAsync();

        var response = await Client.PostAsJsonAsync("/v1/campaigns", request);

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest,
            "segmentId", "responseWindowDays", "cells", "cells[0].code", "cells[1].offerCode", "cells[1].steps[0].condition",
            "cells[1].steps[0].costPerContact", "cells[1].steps[1].channels[0]", "cells[1].steps[1].dayOffset", "waves", "waves[0].startsAt");
        Assert.Equal(11, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Post_UnknownSegment_Is400NamingSegmentId()
    {
        var response = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("C-UNKNOWN", Guid.NewGuid()));

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, "segmentId");
        Assert.Equal("is not a known segment", problem.GetProperty("errors").GetProperty("segmentId")[0].GetString());
    }

    [Fact]
    public async Task Put_ReplacesADraft_GuardedByIfMatch()
    {
        var id = await CreateAsync("C-PUT");
        var changed = CampaignRequests.Valid("C-PUT-2", Segment, name: "Renamed");

        var stale = await PutAsync(id, changed, "\"7\"");
        await ProblemAssert.HasProblemAsync(stale, HttpStatusCode.PreconditionFailed);

        var ok = await PutAsync(id, changed, "\"1\"");
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        Assert.Equal("\"2\"", ok.Headers.ETag!.Tag);
        var view = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Renamed", view.GetProperty("design").GetProperty("name").GetString());
        Assert.Equal("C-PUT-2", await _host.ScalarAsync<string>("SELECT code FROM campaigns WHERE id = @id", new { id }));

        // Without If-Match the last writer wins.
        var blind = await PutAsync(id, CampaignRequests.Valid("C-PUT-3", Segment), ifMatch: null);
        Assert.Equal(HttpStatusCode.OK, blind.StatusCode);
        Assert.Equal(3, await _host.ScalarAsync<int>("SELECT revision FROM campaigns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Put_BadDesign_Is400_AndChangesNothing()
    {
        var id = await CreateAsync("C-PUT-BAD");
        var bad = CampaignRequests.Valid("C-PUT-BAD", Segment);
        bad["currency"] = "XXX";

        await ProblemAssert.HasProblemAsync(await PutAsync(id, bad, "\"1\""), HttpStatusCode.BadRequest, "currency");

        Assert.Equal(1, await _host.ScalarAsync<int>("SELECT revision FROM campaigns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Put_WhenNoLongerADraft_Is409()
    {
        var id = await CreateAsync("C-SCHEDULED");
        await _host.ExecuteAsync("UPDATE campaigns SET status = 'scheduled' WHERE id = @id", new { id });

        var response = await PutAsync(id, CampaignRequests.Valid("C-SCHEDULED", Segment, name: "Too late"), "\"1\"");

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Spring reactivation", await _host.ScalarAsync<string>("SELECT name FROM campaigns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Put_TakingAnotherCampaignsCode_Is409_AndUnknownCampaignIs404()
    {
        await CreateAsync("C-TAKEN");
        var id = await CreateAsync("C-MINE");

        await ProblemAssert.HasProblemAsync(await PutAsync(id, CampaignRequests.Valid("C-TAKEN", Segment), null), HttpStatusCode.Conflict, "code");
        await ProblemAssert.HasProblemAsync(await PutAsync(Guid.NewGuid(), CampaignRequests.Valid("C-NEW", Segment), null), HttpStatusCode.NotFound);
        await ProblemAssert.HasProblemAsync(await Client.GetAsync($"/v1/campaigns/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_PagesNewestFirst_AndFiltersByStatus()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync($"L-{i}"));
        }

        await _host.ExecuteAsync("UPDATE campaigns SET status = 'running' WHERE id = ANY(@running)", new { running = new[] { ids[1], ids[3] } });

        var seen = new List<Guid>();
        string? next = "/v1/campaigns?limit=2";
        while (next is not null)
        {
            var page = await Client.GetFromJsonAsync<JsonElement>(next);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            next = page.GetProperty("next").GetString();
        }

        var listed = seen.Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var running = await Client.GetFromJsonAsync<JsonElement>("/v1/campaigns?status=running&limit=1000");
        Assert.Equal([ids[3], ids[1]], running.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        await ProblemAssert.HasProblemAsync(await Client.GetAsync("/v1/campaigns?status=paused&limit=5000"), HttpStatusCode.BadRequest, "status", "limit");
        await ProblemAssert.HasProblemAsync(await Client.GetAsync("/v1/campaigns?after=nonsense"), HttpStatusCode.BadRequest, "after");
    }

    private async Task<Guid> CreateAsync(string code)
    {
        var response = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid(code, Segment));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> PutAsync(Guid id, object request, string? ifMatch)
    {
        var message = new HttpRequestMessage(HttpMethod.Put, $"/v1/campaigns/{id}") { Content = JsonContent.Create(request) };
        if (ifMatch is not null)
        {
            message.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return await Client.SendAsync(message);
    }

    private Task<string> CountsAsync() =>
        _host.ScalarAsync<string>("SELECT (SELECT count(*) FROM campaigns) || '/' || (SELECT count(*) FROM outbox_messages) || '/' || (SELECT count(*) FROM snapshots)");
}

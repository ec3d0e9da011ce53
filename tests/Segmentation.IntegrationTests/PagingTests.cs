using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Segmentation.IntegrationTests;

/// <summary>The shared paging convention on Segmentation's lists: keyset pages of { items, next }, limit at most 1,000.</summary>
public sealed class PagingTests : IAsyncLifetime
{
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("paging");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Segments_FollowingNext_ListsEachOnceInNameOrder_AndTheLastPageHasNoNext()
    {
        string[] names = ["e", "a", "d", "b", "c"];
        foreach (var name in names)
        {
            var created = await _host.Client.PostAsJsonAsync("/v1/segments", new { name, rule = new { field = "orders_count", op = "gte", value = 1 } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var seen = new List<string>();
        var pages = 0;
        string? next = "/v1/segments?limit=2";
        while (next is not null)
        {
            var page = await _host.Client.GetFromJsonAsync<JsonElement>(next);
            pages++;
            var items = page.GetProperty("items");
            Assert.InRange(items.GetArrayLength(), 1, 2);
            seen.AddRange(items.EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
            next = page.GetProperty("next").GetString();
            Assert.True(next is null || next.Contains("limit=2", StringComparison.Ordinal), next);
        }

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task SnapshotMembers_ArePagedByCustomerId()
    {
        for (var i = 0; i < 5; i++)
        {
            await _host.AddCustomerAsync($"m{i}", orders: 1, net: 10);
        }

        await _host.ScoreAsync();
        var created = await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "all buyers", rule = new { field = "orders_count", op = "gte", value = 1 } });
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var snapshot = await (await _host.Client.PostAsJsonAsync($"/v1/segments/{segmentId}/snapshots", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var snapshotId = snapshot.GetProperty("id").GetGuid();

        var members = new List<Guid>();
        string? next = $"/v1/snapshots/{snapshotId}/members?limit=3";
        while (next is not null)
        {
            var page = await _host.Client.GetFromJsonAsync<JsonElement>(next);
            members.AddRange(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("customerId").GetGuid()));
            next = page.GetProperty("next").GetString();
        }

        Assert.Equal(5, members.Count);
        Assert.Equal(members.Order().ToList(), members);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/snapshots/{Guid.NewGuid()}/members")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/segments?limit=1001", "limit")]
    [InlineData("/v1/segments?limit=0", "limit")]
    [InlineData("/v1/segments?after=nonsense", "after")]
    [InlineData("/v1/models/fits?limit=5000", "limit")]
    [InlineData("/v1/models/fits?after=WyJ4Il0", "after")] // a cursor of the wrong shape
    [InlineData("/v1/scores/runs?limit=abc", "limit")]
    [InlineData("/v1/scores/runs?after=WyJub3QtYS10aW1lIiwibm90LWFuLWlkIl0", "after")]
    public async Task BadLimitOrAfter_Gets400NamingIt(string url, string field)
    {
        var response = await _host.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task ScoreRuns_AreListedNewestFirst_APageAtATime()
    {
        var first = (await _host.ScoreAsync()).GetProperty("id").GetGuid();
        var second = (await _host.ScoreAsync()).GetProperty("id").GetGuid();

        var page = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/scores/runs?limit=1");
        Assert.Equal(second, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var rest = await _host.Client.GetFromJsonAsync<JsonElement>(page.GetProperty("next").GetString());
        Assert.Contains(rest.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == first);
        Assert.DoesNotContain(rest.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == second);
    }
}

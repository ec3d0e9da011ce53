using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.Contracts.Segmentation;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

/// <summary>Every change of a segment (create, update, delete) publishes <see cref="SegmentDefined"/> with a version from the database.</summary>
public sealed class SegmentDefinedTests : IAsyncLifetime
{
    private static readonly object Rule = new { field = "country", op = "eq", value = "DE" };
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("segment-defined");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateUpdateDelete_EachPublishSegmentDefined_WithRisingVersionsFromTheDatabase()
    {
        var created = await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "defined-1", rule = Rule });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var afterCreate = await StoredVersionAsync(id);

        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PutAsJsonAsync($"/v1/segments/{id}", new { name = "defined-1b", rule = Rule })).StatusCode);
        var afterUpdate = await StoredVersionAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/v1/segments/{id}")).StatusCode);
        var afterDelete = await StoredVersionAsync(id);

        var events = await EventsAsync(id);
        Assert.Equal(["defined-1", "defined-1b", "defined-1b"], events.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal([false, false, true], events.Select(e => e.GetProperty("deleted").GetBoolean()));
        Assert.Equal([afterCreate, afterUpdate, afterDelete], events.Select(e => e.GetProperty("version").GetInt64()));
        Assert.True(afterCreate < afterUpdate && afterUpdate < afterDelete);
    }

    [Fact]
    public async Task DeletedSegment_IsGoneFromTheApi_ItsNameIsFree_AndFurtherChangesPublishNothing()
    {
        var id = await CreateAsync("defined-2");
        await _host.Client.DeleteAsync($"/v1/segments/{id}");

        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/segments/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/segments/{id}/report")).StatusCode);
        await ProblemAssert.HasProblemAsync(await _host.Client.PutAsJsonAsync($"/v1/segments/{id}", new { name = "defined-2", rule = Rule }), HttpStatusCode.NotFound);
        await ProblemAssert.HasProblemAsync(await _host.Client.DeleteAsync($"/v1/segments/{id}"), HttpStatusCode.NotFound);
        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/segments");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
        Assert.Equal(2, (await EventsAsync(id)).Count);

        var again = await CreateAsync("defined-2");
        Assert.NotEqual(id, again);
    }

    [Fact]
    public async Task RefusedChanges_PublishNothing()
    {
        var id = await CreateAsync("defined-3");
        await CreateAsync("defined-4");
        var before = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Segmentation.SegmentDefined,%'");

        Assert.Equal(HttpStatusCode.Conflict, (await _host.Client.PostAsJsonAsync("/v1/segments", new { name = "defined-3", rule = Rule })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Client.PutAsJsonAsync($"/v1/segments/{id}", new { name = "defined-4", rule = Rule })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.PutAsJsonAsync($"/v1/segments/{id}", new { name = "defined-3" })).StatusCode);
        await ProblemAssert.HasProblemAsync(await _host.Client.DeleteAsync($"/v1/segments/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        Assert.Equal(before, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Segmentation.SegmentDefined,%'"));
        Assert.Equal("defined-3", (await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/segments/{id}")).GetProperty("name").GetString());
    }

    private async Task<Guid> CreateAsync(string name)
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/segments", new { name, rule = Rule });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private Task<long> StoredVersionAsync(Guid id) => _host.ScalarAsync<long>("SELECT version FROM segments WHERE id = @id", ("id", id));

    private async Task<List<JsonElement>> EventsAsync(Guid id)
    {
        await using var connection = await _host.Database.OpenAsync();
        var bodies = await connection.QueryAsync<string>(
            """
            SELECT body::text FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.Segmentation.SegmentDefined,%' AND body::json ->> 'segmentId' = @id
            ORDER BY sequence
            """, new { id = id.ToString() });
        return bodies.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList();
    }
}

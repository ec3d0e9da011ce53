using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Campaigns.Features.Channels;
using Campaigns.Features.Dispatch;
using Campaigns.IntegrationTests.Dispatch;
using Platform.Testing;
using static Campaigns.IntegrationTests.Dispatch.DispatchTestHost;

namespace Campaigns.IntegrationTests.Channels;

/// <summary>
/// Webhook channels against a local sink: batches are signed (HMAC-SHA256 over timestamp and body), retried with
/// backoff while the sink fails, parked after the last attempt, visible, replayable; erasure removes a customer from a
/// batch not yet sent.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "a-secret-of-the-sink-0123456789";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly WebhookSink _sink = new();
    private DispatchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatchTestHost.StartAsync("campaigns-webhooks", extra: new Dictionary<string, string?>
    {
        ["Channels:Webhook:MaxAttempts"] = "3",
        ["Channels:Webhook:RetryDelay"] = "00:00:01",
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sink.Dispose();
    }

    [Fact]
    public async Task Webhook_RetriesAFailingSink_WithAVerifiableSignature()
    {
        await ConfigureAsync("email");
        _sink.Failing = n => n <= 2;
        var campaign = await _host.AddCampaignAsync(NewDesign("w1", [Cell("a", Step(1, ["email"]))]));
        var members = new[] { await _host.AddCustomerAsync(email: "one@example.org"), await _host.AddCustomerAsync(email: "two@example.org") };
        foreach (var m in members)
        {
            await _host.AssignAsync(campaign, m, "a");
        }

        await _host.LaunchAsync(campaign);
        await PassTimeUntilAsync(() => _sink.Posts.Any(p => !p.Failed), "a successful post");

        var posts = _sink.Posts.ToList();
        Assert.Equal([true, true, false], posts.Select(p => p.Failed));
        Assert.All(posts, p => Assert.True(WebhookSignature.Verify(Secret, p.Timestamp!, p.Body, p.Signature!), "the signature verifies"));
        Assert.Single(posts.Select(p => p.Body).Distinct());
        Assert.False(WebhookSignature.Verify(Secret, posts[0].Timestamp!, posts[0].Body + " ", posts[0].Signature!));
        var batch = JsonSerializer.Deserialize<WebhookBatch>(posts[^1].Body, Web)!;
        Assert.Equal((campaign, "w1", "email", 1), (batch.CampaignId, batch.CampaignCode, batch.Channel, batch.Step));
        Assert.Equal(members.Order(), batch.Contacts.Select(c => c.CustomerId).Order());
        Assert.Equal(["one@example.org", "two@example.org"], batch.Contacts.Select(c => c.Email!).Order());
        Assert.All(batch.Contacts, c => Assert.Null(c.AddressLine));
        Assert.All(await _host.ContactsAsync(campaign, 1), c => Assert.Equal("dispatched", c.Status));
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<string>("SELECT status FROM deliveries WHERE id = @id", new { id = batch.DeliveryId }) == "delivered", "delivered");
        Assert.Equal(3, await _host.Host.ScalarAsync<int>("SELECT attempts FROM deliveries WHERE id = @id", new { id = batch.DeliveryId }));
    }

    [Fact]
    public async Task Webhook_ParkedAfterItsLastAttempt_IsListedAndReplayable_WithoutAnErasedCustomer()
    {
        await ConfigureAsync("sms");
        _sink.Failing = _ => true;
        var campaign = await _host.AddCampaignAsync(NewDesign("w2", [Cell("a", Step(1, ["sms"]))]));
        var erased = await _host.AddCustomerAsync();
        var kept = await _host.AddCustomerAsync();
        await _host.AssignAsync(campaign, erased, "a");
        await _host.AssignAsync(campaign, kept, "a");

        await _host.LaunchAsync(campaign);
        var parked = await PassTimeUntilAsync(async () =>
        {
            var page = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/deliveries?status=parked");
            return page.GetProperty("items").EnumerateArray().Select(i => i.Deserialize<DeliveryView>(Web)!).FirstOrDefault(d => d.CampaignId == campaign);
        }, "a parked delivery");
        Assert.Equal((3, 2, "HTTP 500"), (parked.Attempts, parked.Contacts, parked.LastError!));
        Assert.Equal(3, _sink.Posts.Count);

        await using (var connection = await _host.Host.Database.OpenAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await ContactsEraser.EraseCustomerAsync(tx, erased, CancellationToken.None);
            await tx.CommitAsync();
        }

        _sink.Failing = _ => false;
        using (var replay = await _host.Client.PostAsync($"/v1/deliveries/{parked.Id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(_sink.Posts.Any(p => !p.Failed)), "the replayed post");
        var batch = JsonSerializer.Deserialize<WebhookBatch>(_sink.Posts.Last().Body, Web)!;
        Assert.Equal([kept], batch.Contacts.Select(c => c.CustomerId));
        Assert.Equal("+4930123456", batch.Contacts[0].Phone);
        using var again = await _host.Client.PostAsync($"/v1/deliveries/{parked.Id}/replay", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // only a parked delivery is replayed
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<string>("SELECT status FROM deliveries WHERE id = @id", new { id = parked.Id }) == "delivered", "delivered");
    }

    [Fact]
    public async Task ChannelConfig_RefusesUnsafeUrlsAndShortSecrets()
    {
        using var bad = await _host.Client.PutAsJsonAsync("/v1/channels/fax", new { mode = "webhook", url = "http://example.org/hook", secret = "short" });
        await ProblemAssert.HasProblemAsync(bad, HttpStatusCode.BadRequest, "channel", "url", "secret");
        using var mode = await _host.Client.PutAsJsonAsync("/v1/channels/email", new { mode = "carrier-pigeon" });
        await ProblemAssert.HasProblemAsync(mode, HttpStatusCode.BadRequest, "mode");
        var shown = await _host.Client.GetFromJsonAsync<ChannelView>("/v1/channels/direct_mail", Web);
        Assert.Equal("file", shown!.Mode);
    }

    private async Task ConfigureAsync(string channel)
    {
        using var put = await _host.Client.PutAsJsonAsync($"/v1/channels/{channel}", new { mode = "webhook", url = _sink.Url, secret = Secret });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var shown = await _host.Client.GetFromJsonAsync<ChannelView>($"/v1/channels/{channel}", Web);
        Assert.Equal(("webhook", _sink.Url, true), (shown!.Mode, shown.Url, shown.HasSecret));
    }

    // Retries are due on the service's (manual) clock: move it on while waiting, as the hours would pass.
    private async Task PassTimeUntilAsync(Func<bool> condition, string what) =>
        await PassTimeUntilAsync(() => Task.FromResult(condition() ? new object() : null), what);

    private async Task<T> PassTimeUntilAsync<T>(Func<Task<T?>> probe, string what)
        where T : class =>
        await Eventually.ValueAsync(async () =>
        {
            _host.Clock.Advance(TimeSpan.FromSeconds(10));
            return await probe();
        }, what);
}

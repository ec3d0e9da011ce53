using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// A campaign through every service, as a client drives it through the gateway: customers posted to Ingestion reach
/// Segmentation (profiles) and Campaigns (contact details and consents) as events; a segment defined in Segmentation
/// reaches Campaigns' catalog; a campaign with a control group is designed and launched on a snapshot asked for by
/// command; its first step reaches a webhook, signed, with every reachable treated member once and no control member.
/// </summary>
public sealed class CampaignLoopTests(AllServices services) : IClassFixture<AllServices>, IAsyncLifetime
{
    private const string Secret = "loop-secret-0123456789abcdef";
    private readonly HttpClient _client = services.CreateClient();
    private readonly WebhookSink _sink = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _client.Dispose();
        _sink.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Campaign_FromIngestedCustomers_ReachesTheWebhook_ForTreatedReachableMembersOnly()
    {
        const int Customers = 400;
        var source = "loop" + Guid.NewGuid().ToString("N")[..8];
        var batch = Enumerable.Range(1, Customers).Select(i => new
        {
            source,
            externalId = i.ToString(CultureInfo.InvariantCulture),
            email = $"c{i}@{source}.example",
            // every tenth customer refused e-mail: never contacted, blocked as no_consent
            consents = new Dictionary<string, object> { ["email"] = new { granted = i % 10 != 0 } },
        }).ToList();
        (await _client.PostAsJsonAsync("/ingestion/v1/customers/batch", batch)).EnsureSuccessStatusCode();
        await using var campaignsDb = await services.Databases["campaigns"].OpenAsync();
        await Eventually.TrueAsync(async () => await campaignsDb.ExecuteScalarAsync<long>("SELECT count(*) FROM customers") >= Customers,
            "contact details in Campaigns", TimeSpan.FromSeconds(60));

        (await _client.PutAsJsonAsync("/campaigns/v1/channels/email", new { mode = "webhook", url = _sink.Url, secret = Secret })).EnsureSuccessStatusCode();
        var segment = await _client.PostAsJsonAsync("/segmentation/v1/segments", new
        {
            name = $"everyone {source}", rule = new { field = "acquisition_campaign", op = "is_null" },
        });
        segment.EnsureSuccessStatusCode();
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var design = new
        {
            code = source.ToUpperInvariant(),
            name = "loop test",
            objective = "retention",
            segmentId,
            responseWindowDays = 14,
            currency = "USD",
            controlShare = 0.2,
            cells = new[] { new { code = "mail", share = 0.8, steps = new[] { new { channel = "email", dayOffset = 0, condition = "always", costPerContact = 0.02m } } } },
        };
        // The segment reaches Campaigns' catalog as an event; until then the design is refused naming segmentId.
        var created = await Eventually.ValueAsync(async () =>
        {
            var response = await _client.PostAsJsonAsync("/campaigns/v1/campaigns", design);
            return response.StatusCode == HttpStatusCode.Created ? response : null;
        }, "the campaign accepted once the segment is known", TimeSpan.FromSeconds(60));
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/campaigns/v1/campaigns/{campaignId}/launch", null)).StatusCode);

        var assignments = await Eventually.ValueAsync(async () =>
        {
            var campaign = await _client.GetFromJsonAsync<JsonElement>($"/campaigns/v1/campaigns/{campaignId}");
            return campaign.GetProperty("launchState").GetString() == "assigned"
                ? (await campaignsDb.QueryAsync<(Guid CustomerId, string Cell)>("SELECT customer_id, cell FROM assignments WHERE campaign_id = @campaignId", new { campaignId })).ToList()
                : null;
        }, "every member assigned", TimeSpan.FromSeconds(60));
        Assert.Equal(Customers, assignments.Count);
        var treatedReachable = assignments.Where(a => a.Cell == "mail").Select(a => a.CustomerId).ToHashSet();
        var refused = (await campaignsDb.QueryAsync<Guid>("SELECT customer_id FROM customers WHERE consent_email = false")).ToHashSet();
        treatedReachable.ExceptWith(refused);
        Assert.InRange(treatedReachable.Count, 200, 320); // 80% treated, a tenth of them refused e-mail
        Assert.InRange(refused.Count, 40, 40);

        var contacted = new ConcurrentDictionary<Guid, int>();
        await Eventually.TrueAsync(() =>
        {
            foreach (var post in _sink.Posts)
            {
                using var body = JsonDocument.Parse(post.Body);
                foreach (var contact in body.RootElement.GetProperty("contacts").EnumerateArray())
                {
                    contacted[contact.GetProperty("customerId").GetGuid()] = 1;
                }
            }

            return Task.FromResult(contacted.Count >= treatedReachable.Count);
        }, "the first step's contacts at the webhook", TimeSpan.FromSeconds(60));

        Assert.Equal(treatedReachable.Order(), contacted.Keys.Order());
        var control = assignments.Where(a => a.Cell == "control").Select(a => a.CustomerId).ToList();
        Assert.NotEmpty(control);
        Assert.DoesNotContain(control, contacted.ContainsKey);
        foreach (var post in _sink.Posts)
        {
            var expected = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{post.Timestamp}.{post.Body}")));
            Assert.Equal(expected, post.Signature, ignoreCase: true);
        }

        var blocks = await _client.GetFromJsonAsync<JsonElement>($"/campaigns/v1/campaigns/{campaignId}/blocks");
        var text = blocks.ToString();
        Assert.Contains("control", text, StringComparison.Ordinal);
        Assert.Contains("no_consent", text, StringComparison.Ordinal);
    }
}

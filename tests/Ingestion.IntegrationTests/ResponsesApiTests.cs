using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Data;

namespace Ingestion.IntegrationTests;

public sealed class ResponsesApiTests(RecordingHostFixture fixture) : IClassFixture<RecordingHostFixture>
{
    private readonly RecordingTestHost _host = fixture.Host;

    private HttpClient Client => _host.Client;

    [Fact]
    public async Task Post_WithChannelId_Returns201WithIdFromSourceAndResponseId_AndPublishesIt()
    {
        var customerId = await _host.CreateCustomerAsync("esp", "r-c1");

        var response = await Client.PostAsJsonAsync("/v1/responses", new
        {
            source = "ESP", responseId = "evt-1", campaignCode = "SPRING-24", customerExternalId = "r-c1", channel = "Email", type = "Opened", occurredAt = "2024-04-01T08:00:00Z",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = DeterministicGuid.ForResponse("esp\nevt-1");
        Assert.Equal(id, body.GetProperty("responseId").GetGuid());
        Assert.Equal(customerId, body.GetProperty("customerId").GetGuid());
        Assert.Equal("email", body.GetProperty("channel").GetString());
        Assert.Equal("opened", body.GetProperty("type").GetString());
        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.ResponsesRecorded,%' AND body->'responses'->0->>'responseId' = @id",
            ("id", id.ToString())));
    }

    [Fact]
    public async Task Post_SameContentTwiceWithoutChannelId_IsRecordedOnce()
    {
        await _host.CreateCustomerAsync("mailhouse", "r-c2");
        var request = new { source = "mailhouse", campaignCode = "WINTER", customerExternalId = "r-c2", channel = "mail", type = "delivered", occurredAt = "2024-01-05T00:00:00Z" };

        var first = await Client.PostAsJsonAsync("/v1/responses", request);
        var second = await Client.PostAsJsonAsync("/v1/responses", request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM responses WHERE campaign_code = 'WINTER'"));
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages, json_array_elements(body->'responses') r WHERE r->>'campaignCode' = 'WINTER'"));
    }

    [Fact]
    public async Task Post_SameChannelIdWithDifferentValues_Returns409NamingResponseId()
    {
        await _host.CreateCustomerAsync("sms-gw", "r-c3");
        await Client.PostAsJsonAsync("/v1/responses", Response("sms-gw", "r-c3", "sms", "clicked", responseId: "m-1"));

        var changed = await Client.PostAsJsonAsync("/v1/responses", Response("sms-gw", "r-c3", "sms", "replied", responseId: "m-1"));

        await RecordingTestHost.AssertProblemAsync(changed, HttpStatusCode.Conflict, "responseId");
    }

    [Fact]
    public async Task Post_EveryFieldBad_Returns400NamingEachField()
    {
        var response = await Client.PostAsJsonAsync("/v1/responses", new { channel = "pigeon", type = "liked", occurredAt = "yesterday", value = -1m });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "source", "campaignCode", "customerId", "channel", "type", "occurredAt", "value");
    }

    [Fact]
    public async Task Post_OptOutOnWeb_Returns400NamingChannel()
    {
        var response = await Client.PostAsJsonAsync("/v1/responses", Response("web", "x", "web", "opted-out"));

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "channel");
    }

    [Fact]
    public async Task Post_UnknownCustomer_Returns400_UnlessCreateCustomers()
    {
        var refused = await Client.PostAsJsonAsync("/v1/responses", Response("callcenter", "walk-in", "phone", "inbound-call"));
        var created = await Client.PostAsJsonAsync("/v1/responses?createCustomers=true", Response("callcenter", "walk-in", "phone", "inbound-call"));

        await RecordingTestHost.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "customerExternalId");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM customers WHERE source = 'callcenter' AND external_id = 'walk-in' AND lifecycle = 'customer'"));
    }

    [Fact]
    public async Task Post_OptedOut_WithdrawsThatChannelsConsent_AndPublishesTheCustomerInTheSameTransaction()
    {
        var customer = await Client.PostAsJsonAsync("/v1/customers", new
        {
            source = "optout", externalId = "o-1",
            consents = new { email = new { granted = true, at = "2024-01-01T00:00:00Z" }, sms = new { granted = true, at = "2024-01-01T00:00:00Z" } },
        });
        Assert.True(customer.IsSuccessStatusCode, await customer.Content.ReadAsStringAsync());
        var customerId = DeterministicGuid.ForCustomer("optout", "o-1");
        var upsertsBefore = await CustomerEventsAsync(customerId);

        var response = await Client.PostAsJsonAsync("/v1/responses", Response("optout", "o-1", "email", "opted-out", occurredAt: "2024-06-01T00:00:00Z"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var responseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responseId").GetGuid();
        Assert.False(await _host.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @id AND channel = 'email'", ("id", customerId)));
        Assert.Equal($"response:{responseId}", await _host.ScalarAsync<string>("SELECT origin FROM consents WHERE customer_id = @id AND channel = 'email'", ("id", customerId)));
        Assert.True(await _host.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @id AND channel = 'sms'", ("id", customerId)));
        Assert.Equal(upsertsBefore + 1, await CustomerEventsAsync(customerId));
        Assert.Equal("false", await _host.ScalarAsync<string>(
            """
            SELECT c->'consents'->>'email' FROM outbox_messages, json_array_elements(body->'customers') c
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND c->>'customerId' = @id
            ORDER BY sequence DESC LIMIT 1
            """,
            ("id", customerId.ToString())));
    }

    [Fact]
    public async Task Post_OptOutOlderThanStoredConsent_ChangesNothing_AndReplayPublishesNothing()
    {
        var customer = await Client.PostAsJsonAsync("/v1/customers", new
        {
            source = "optout", externalId = "o-2", consents = new { mail = new { granted = true, at = "2024-05-01T00:00:00Z" } },
        });
        Assert.True(customer.IsSuccessStatusCode);
        var customerId = DeterministicGuid.ForCustomer("optout", "o-2");
        var before = await CustomerEventsAsync(customerId);

        var old = await Client.PostAsJsonAsync("/v1/responses", Response("optout", "o-2", "mail", "opted-out", occurredAt: "2024-01-01T00:00:00Z"));
        var replay = await Client.PostAsJsonAsync("/v1/responses", Response("optout", "o-2", "mail", "opted-out", occurredAt: "2024-01-01T00:00:00Z"));

        Assert.Equal(HttpStatusCode.Created, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True(await _host.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @id AND channel = 'mail'", ("id", customerId)));
        Assert.Equal(before, await CustomerEventsAsync(customerId));
    }

    [Fact]
    public async Task Batch_MixedItems_Returns200WithStatuses_AndOneBadItemRefusesAll()
    {
        await _host.CreateCustomerAsync("rbatch", "c1");
        var good = new[]
        {
            Response("rbatch", "c1", "email", "delivered", responseId: "a"),
            Response("rbatch", "c1", "email", "opened", responseId: "b"),
            Response("rbatch", "c1", "email", "delivered", responseId: "a"),
        };

        var bad = await Client.PostAsJsonAsync("/v1/responses/batch", good.Append(Response("rbatch", "c1", "fax", "opened")).ToArray());
        var ok = await Client.PostAsJsonAsync("/v1/responses/batch", good);

        await RecordingTestHost.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "[3].channel");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("new").GetInt32());
        Assert.Equal("new,new,duplicate", string.Join(',', body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString())));
    }

    [Fact]
    public async Task Batch_1500Responses_UsesTheCopyPath_AndPublishesTwoEvents()
    {
        await _host.CreateCustomerAsync("rbig", "c1");
        var before = await _host.OutboxMessagesAsync("ResponsesRecorded");

        var response = await Client.PostAsJsonAsync("/v1/responses/batch", Enumerable.Range(0, 1500).Select(i => Response("rbig", "c1", "email", "clicked", responseId: $"big-{i}")).ToArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 2, await _host.OutboxMessagesAsync("ResponsesRecorded"));
    }

    private static object Response(string source, string customer, string channel, string type, string? responseId = null, string occurredAt = "2024-03-01T12:00:00Z") =>
        new { source, responseId, campaignCode = "CAMP-1", customerExternalId = customer, channel, type, occurredAt };

    private Task<long> CustomerEventsAsync(Guid customerId) =>
        _host.ScalarAsync<long>(
            """
            SELECT count(*) FROM outbox_messages, json_array_elements(body->'customers') c
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND c->>'customerId' = @id
            """,
            ("id", customerId.ToString()));
}

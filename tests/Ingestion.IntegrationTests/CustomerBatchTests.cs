using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Data;

namespace Ingestion.IntegrationTests;

/// <summary><c>POST /v1/customers/batch</c>: per-item outcomes, all or nothing, limits, event batching.</summary>
public sealed class CustomerBatchTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Batch_ReportsCreatedUpdatedUnchangedPerItem_InInputOrder()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "batch1", externalId = "same", city = "Oslo" });
        await _client.PostAsJsonAsync("/v1/customers", new { source = "batch1", externalId = "changed", city = "Oslo" });

        var response = await _client.PostAsJsonAsync("/v1/customers/batch", new object[]
        {
            new { source = "batch1", externalId = "new", city = "Oslo" },
            new { source = "batch1", externalId = "same", city = "Oslo" },
            new { source = "batch1", externalId = "changed", city = "Bergen" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = await response.Content.ReadFromJsonAsync<List<Item>>();
        Assert.Equal(
            [
                new Item(0, DeterministicGuid.ForCustomer("batch1", "new"), "created"),
                new Item(1, DeterministicGuid.ForCustomer("batch1", "same"), "unchanged"),
                new Item(2, DeterministicGuid.ForCustomer("batch1", "changed"), "updated"),
            ],
            items);
        Assert.Single(await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("batch1", "same")));
        Assert.Equal(2, (await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("batch1", "changed"))).Count);
    }

    [Fact]
    public async Task Batch_WithInvalidItems_Returns400NamingEachItemsFields_AndWritesNothing()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers/batch", new object?[]
        {
            new { source = "batch2", externalId = "ok-1" },
            new { source = "batch2", email = "nope" },
            new { source = "batch2", externalId = "ok-2" },
            null,
            new { source = "batch2", externalId = "bad-3", country = "XXX", attributes = new { deep = new { a = 1 } } },
        });

        var problem = await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest,
            "[1].externalId", "[1].email", "[3]", "[4].country", "[4].attributes.deep");
        Assert.Equal(5, problem.GetProperty("errors").EnumerateObject().Count());
        await app.AssertNothingWrittenAsync("batch2");
    }

    [Fact]
    public async Task Batch_WrongJsonTypeInAnItem_Returns400NamingItsPath_AndWritesNothing()
    {
        using var content = new StringContent("""[{"source": "batch3", "externalId": "1"}, {"source": "batch3", "externalId": "2", "gender": ["f"]}]""", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/customers/batch", content);

        await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest, "[1].gender");
        await app.AssertNothingWrittenAsync("batch3");
    }

    [Fact]
    public async Task Batch_NotAnArray_Returns400NamingTheBody()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers/batch", new { source = "batch4", externalId = "1" });

        await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Batch_SameCustomerTwice_LastOneWins_AndBothItemsReportIt()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers/batch", new object[]
        {
            new { source = "batch5", externalId = "dup", city = "First" },
            new { source = "batch5", externalId = "other" },
            new { source = "batch5", externalId = " dup ", city = "Last" },
        });

        var items = await response.Content.ReadFromJsonAsync<List<Item>>();
        var id = DeterministicGuid.ForCustomer("batch5", "dup");
        Assert.Equal([new Item(0, id, "created"), new Item(2, id, "created")], items!.Where(i => i.CustomerId == id));
        Assert.Equal("Last", (await _client.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}")).GetProperty("city").GetString());
        Assert.Single(await app.CustomerEventsAsync(id)); // one version published: the last
    }

    [Fact]
    public async Task Batch_OfTenThousand_IsWrittenInOneGo_WithEventsOfAtMostOneThousandRecords()
    {
        var customers = Enumerable.Range(0, 10_000).Select(i => new
        {
            source = "bulk",
            externalId = $"c-{i}",
            email = $"c{i}@bulk.example",
            country = "NL",
            consents = new { email = new { granted = i % 2 == 0 } },
            attributes = new { n = i },
        }).ToList();

        var response = await _client.PostAsJsonAsync("/v1/customers/batch", customers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = await response.Content.ReadFromJsonAsync<List<Item>>();
        Assert.Equal(10_000, items!.Count(i => i.Status == "created"));
        Assert.Equal(10_000L, await app.ScalarAsync<long>("SELECT count(*) FROM customers WHERE source = 'bulk'"));
        Assert.Equal(10_000L, await app.ScalarAsync<long>("SELECT count(*) FROM consents JOIN customers USING (customer_id) WHERE source = 'bulk'"));
        var sizes = (await app.QueryAsync<int>("""
            SELECT json_array_length(body::json -> 'customers') FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND body::text LIKE '%"bulk"%'
            """)).ToList();
        Assert.Equal(10, sizes.Count);
        Assert.All(sizes, s => Assert.Equal(1_000, s));

        var replay = await _client.PostAsJsonAsync("/v1/customers/batch", customers);
        Assert.All((await replay.Content.ReadFromJsonAsync<List<Item>>())!, i => Assert.Equal("unchanged", i.Status));
        Assert.Equal(10L, await app.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body::text LIKE '%\"bulk\"%'"));
    }

    [Fact]
    public async Task Batch_OverTenThousandItems_Returns400NamingTheBody_AndWritesNothing()
    {
        var customers = Enumerable.Range(0, 10_001).Select(i => new { source = "batch6", externalId = $"c-{i}" });

        var response = await _client.PostAsJsonAsync("/v1/customers/batch", customers);

        await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        await app.AssertNothingWrittenAsync("batch6");
    }

    [Fact]
    public async Task Batch_BodyOverTheSizeLimit_Returns413Problem_AndWritesNothing()
    {
        // One item with a huge name: the body passes 32 MB long before the item count matters.
        var body = $$"""[{"source": "batch7", "externalId": "1", "firstName": "{{new string('x', 33 * 1024 * 1024)}}"}]""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/customers/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        // As a well-behaved client of a large upload would: wait for the server's go-ahead, so the refusal can be read
        // instead of the connection being cut while the body is still being sent.
        request.Headers.ExpectContinue = true;

        var response = await _client.SendAsync(request);

        var problem = await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        await app.AssertNothingWrittenAsync("batch7");
    }

    [Fact]
    public async Task Batch_Empty_Returns200WithNoItems()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers/batch", Array.Empty<object>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<List<Item>>())!);
    }

    private sealed record Item(int Index, Guid CustomerId, string Status);
}

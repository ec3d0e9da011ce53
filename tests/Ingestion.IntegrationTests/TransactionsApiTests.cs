using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Data;

namespace Ingestion.IntegrationTests;

public sealed class TransactionsApiTests(RecordingHostFixture fixture) : IClassFixture<RecordingHostFixture>
{
    private readonly RecordingTestHost _host = fixture.Host;

    private HttpClient Client => _host.Client;

    [Fact]
    public async Task Post_NewTransaction_Returns201WithDeterministicId_StoresNormalizedValues_AndPublishesIt()
    {
        var customerId = await _host.CreateCustomerAsync("shop", "tx-c1");

        var response = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = "Shop",
            orderId = " O-1 ",
            customerExternalId = "tx-c1",
            occurredAt = "2024-03-01T10:15:00+02:00",
            grossAmount = 100.50m,
            discountAmount = 10m,
            costAmount = 40m,
            currency = "eur",
            quantity = 2,
            channel = "Web",
            category = "books",
            promotionCode = "SPRING",
            campaignCode = "C-42",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = DeterministicGuid.ForTransaction("shop", "O-1");
        Assert.Equal(id, body.GetProperty("transactionId").GetGuid());
        Assert.Equal($"/v1/transactions/{id}", response.Headers.Location?.ToString());
        Assert.Equal(customerId, body.GetProperty("customerId").GetGuid());
        Assert.Equal("shop", body.GetProperty("source").GetString());
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        Assert.Equal("web", body.GetProperty("channel").GetString());
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 8, 15, 0, TimeSpan.Zero), body.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.False(body.GetProperty("isReturn").GetBoolean());
        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%' AND body->'transactions'->0->>'transactionId' = @id",
            ("id", id.ToString())));
    }

    [Fact]
    public async Task Post_SameOrderTwice_SecondReturns200WithSameBody_AndPublishesNothingMore()
    {
        await _host.CreateCustomerAsync("replay", "c1");
        var request = Transaction("replay", "R-1", "c1", 25m);

        var first = await Client.PostAsJsonAsync("/v1/transactions", request);
        var second = await Client.PostAsJsonAsync("/v1/transactions", request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1L, await CountEventsForAsync(DeterministicGuid.ForTransaction("replay", "R-1")));
    }

    [Fact]
    public async Task Post_SameOrderWithDifferentValues_Returns409NamingTheOrder_AndKeepsTheFirst()
    {
        await _host.CreateCustomerAsync("conflict", "c1");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("conflict", "K-1", "c1", 10m));

        var changed = await Client.PostAsJsonAsync("/v1/transactions", Transaction("conflict", "K-1", "c1", 11m));

        var problem = await RecordingTestHost.AssertProblemAsync(changed, HttpStatusCode.Conflict, "orderId");
        Assert.Contains("K-1", problem.GetProperty("errors").GetProperty("orderId")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(10m, await _host.ScalarAsync<decimal>("SELECT gross_amount FROM transactions WHERE order_id = 'K-1' AND source = 'conflict'"));
        Assert.Equal(1L, await CountEventsForAsync(DeterministicGuid.ForTransaction("conflict", "K-1")));
    }

    [Fact]
    public async Task Post_SameInstantInAnotherOffset_IsAReplayNotAConflict()
    {
        await _host.CreateCustomerAsync("offset", "c1");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("offset", "Z-1", "c1", 10m, occurredAt: "2024-01-01T12:00:00Z"));

        var replay = await Client.PostAsJsonAsync("/v1/transactions", Transaction("offset", "Z-1", "c1", 10.00m, occurredAt: "2024-01-01T13:00:00+01:00"));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
    }

    [Theory]
    [InlineData(true, 30, "flag")]
    [InlineData(null, -30, "negative")]
    public async Task Post_Return_StoresNegativeAmounts_AndIsReturn(bool? isReturn, int gross, string order)
    {
        await _host.CreateCustomerAsync("returns", "c1");

        var response = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = "returns",
            orderId = order,
            customerExternalId = "c1",
            occurredAt = "2024-02-01T00:00:00Z",
            grossAmount = (decimal)gross,
            discountAmount = 5m,
            costAmount = 12m,
            currency = "USD",
            isReturn,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("isReturn").GetBoolean());
        Assert.Equal(-30m, body.GetProperty("grossAmount").GetDecimal());
        Assert.Equal(-5m, body.GetProperty("discountAmount").GetDecimal());
        Assert.Equal(-12m, body.GetProperty("costAmount").GetDecimal());
    }

    [Fact]
    public async Task Post_NegativeAmountMarkedNotAReturn_Returns400NamingIsReturn()
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = "s", orderId = "x", customerExternalId = "c", occurredAt = "2024-01-01T00:00:00Z", grossAmount = -1m, currency = "EUR", isReturn = false,
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "isReturn");
    }

    [Fact]
    public async Task Post_EveryFieldBad_Returns400NamingEachField_AndWritesNothing()
    {
        var before = await _host.ScalarAsync<long>("SELECT count(*) FROM transactions");

        var response = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = " ",
            orderId = new string('o', 129),
            occurredAt = "2024-01-01T10:00:00", // no offset
            grossAmount = 10.005m,
            discountAmount = -1m,
            costAmount = -2m,
            currency = "EURO",
            quantity = 0,
            category = new string('c', 129),
        });

        await RecordingTestHost.AssertProblemAsync(
            response, HttpStatusCode.BadRequest,
            "source", "orderId", "customerId", "occurredAt", "grossAmount", "discountAmount", "costAmount", "currency", "quantity", "category");
        Assert.Equal(before, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions"));
    }

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("01/02/2024 10:00Z")]
    [InlineData("2024-02-30T10:00:00Z")]
    [InlineData("2024-01-01T25:00:00Z")]
    [InlineData("2024-01-01T10:00:00+15:00")]
    public async Task Post_OccurredAtNotIsoWithOffset_Returns400NamingOccurredAt(string occurredAt)
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions", Transaction("dates", "d", "c1", 1m, occurredAt: occurredAt));

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "occurredAt");
    }

    [Fact]
    public async Task Post_OccurredIn1997_IsAccepted_ButMoreThanADayAheadIsNot()
    {
        await _host.CreateCustomerAsync("era", "c1");

        var old = await Client.PostAsJsonAsync("/v1/transactions", Transaction("era", "1997", "c1", 29.33m, occurredAt: "1997-01-01T00:00:00Z"));
        var future = await Client.PostAsJsonAsync("/v1/transactions", Transaction("era", "future", "c1", 1m,
            occurredAt: DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        var tomorrow = await Client.PostAsJsonAsync("/v1/transactions", Transaction("era", "tomorrow", "c1", 1m,
            occurredAt: DateTimeOffset.UtcNow.AddHours(20).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.Created, old.StatusCode);
        Assert.Equal(new DateTimeOffset(1997, 1, 1, 0, 0, 0, TimeSpan.Zero), (await old.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("occurredAt").GetDateTimeOffset());
        await RecordingTestHost.AssertProblemAsync(future, HttpStatusCode.BadRequest, "occurredAt");
        Assert.Equal(HttpStatusCode.Created, tomorrow.StatusCode);
    }

    [Theory]
    [InlineData("XXX")]
    [InlineData("DEM")] // withdrawn
    [InlineData("ABC")]
    public async Task Post_CurrencyNotActiveIso4217_Returns400NamingCurrency(string currency)
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions", Transaction("cur", "c", "c1", 1m, currency: currency));

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "currency");
    }

    [Fact]
    public async Task Post_WrongJsonType_Returns400NamingTheField()
    {
        using var content = new StringContent("""{"source":"s","orderId":"o","grossAmount":"ten"}""", Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/v1/transactions", content);

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "grossAmount");
    }

    [Fact]
    public async Task Post_UnknownCustomer_Returns400NamingTheReference_AndWritesNothing()
    {
        var byExternal = await Client.PostAsJsonAsync("/v1/transactions", Transaction("unknown", "U-1", "nobody", 5m));
        var byId = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = "unknown", orderId = "U-2", customerId = Guid.NewGuid(), occurredAt = "2024-01-01T00:00:00Z", grossAmount = 5m, currency = "EUR",
        });
        var byIdWithCreate = await Client.PostAsJsonAsync("/v1/transactions?createCustomers=true", new
        {
            source = "unknown", orderId = "U-3", customerId = Guid.NewGuid(), occurredAt = "2024-01-01T00:00:00Z", grossAmount = 5m, currency = "EUR",
        });

        var problem = await RecordingTestHost.AssertProblemAsync(byExternal, HttpStatusCode.BadRequest, "customerExternalId");
        Assert.StartsWith("unknown customer", problem.GetProperty("errors").GetProperty("customerExternalId")[0].GetString(), StringComparison.Ordinal);
        await RecordingTestHost.AssertProblemAsync(byId, HttpStatusCode.BadRequest, "customerId");
        await RecordingTestHost.AssertProblemAsync(byIdWithCreate, HttpStatusCode.BadRequest, "customerId");
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'unknown'"));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM customers WHERE source = 'unknown'"));
    }

    [Fact]
    public async Task Post_UnknownCustomerWithCreateCustomers_CreatesMinimalCustomer_AndPublishesBoth()
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions?createCustomers=true", new
        {
            source = "pos", orderId = "P-1", customerExternalId = "new-guy", customerSource = "CRM", occurredAt = "2024-01-01T00:00:00Z", grossAmount = 5m, currency = "EUR",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var customerId = DeterministicGuid.ForCustomer("crm", "new-guy");
        Assert.Equal(customerId, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid());
        Assert.Equal("customer", await _host.ScalarAsync<string>("SELECT lifecycle FROM customers WHERE customer_id = @id", ("id", customerId)));
        Assert.Equal(1L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND body->'customers'->0->>'customerId' = @id",
            ("id", customerId.ToString())));
    }

    [Fact]
    public async Task Post_BothCustomerIdAndExternalId_Returns400()
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions", new
        {
            source = "s", orderId = "o", customerId = Guid.NewGuid(), customerExternalId = "x", occurredAt = "2024-01-01T00:00:00Z", grossAmount = 5m, currency = "EUR",
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "customerId");
    }

    [Fact]
    public async Task Get_UnknownTransaction_Returns404Problem()
    {
        var response = await Client.GetAsync($"/v1/transactions/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Batch_NewAndReplayedItems_Returns200WithEachStatus_AndPublishesOnlyNewOnes()
    {
        await _host.CreateCustomerAsync("batch", "c1");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("batch", "B-0", "c1", 1m));
        var eventsBefore = await _host.OutboxRecordsAsync("TransactionsRecorded", "transactions");

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new[]
        {
            Transaction("batch", "B-0", "c1", 1m),  // replay of a stored order
            Transaction("batch", "B-1", "c1", 2m),
            Transaction("batch", "B-1", "c1", 2m),  // the same order twice in one batch
            Transaction("batch", "B-2", "c1", 3m),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("new").GetInt32());
        Assert.Equal(2, body.GetProperty("duplicates").GetInt32());
        Assert.Equal("duplicate,new,duplicate,new", string.Join(',', body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString())));
        Assert.Equal(eventsBefore + 2, await _host.OutboxRecordsAsync("TransactionsRecorded", "transactions"));
    }

    [Fact]
    public async Task Batch_OneItemInvalid_Returns400NamingTheItemsField_AndWritesNothing()
    {
        await _host.CreateCustomerAsync("allornothing", "c1");

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new object?[]
        {
            Transaction("allornothing", "A-1", "c1", 1m),
            Transaction("allornothing", "A-2", "c1", 1m, currency: "EURO"),
            null,
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "[1].currency", "[2]");
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'allornothing'"));
    }

    [Fact]
    public async Task Batch_OneUnknownCustomer_Returns400NamingThatItem_AndWritesNothing()
    {
        await _host.CreateCustomerAsync("batchunknown", "c1");

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new[]
        {
            Transaction("batchunknown", "A-1", "c1", 1m),
            Transaction("batchunknown", "A-2", "ghost", 1m),
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "[1].customerExternalId");
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'batchunknown'"));
    }

    [Fact]
    public async Task Batch_OneConflictingItem_Returns409NamingThatItem_AndWritesNothing()
    {
        await _host.CreateCustomerAsync("batchconflict", "c1");
        await Client.PostAsJsonAsync("/v1/transactions", Transaction("batchconflict", "K-1", "c1", 1m));

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new[]
        {
            Transaction("batchconflict", "K-2", "c1", 1m),
            Transaction("batchconflict", "K-1", "c1", 9m),
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.Conflict, "[1].orderId");
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'batchconflict'"));
    }

    [Fact]
    public async Task Batch_SameOrderTwiceWithDifferentValues_Returns409()
    {
        await _host.CreateCustomerAsync("inbatch", "c1");

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", new[]
        {
            Transaction("inbatch", "D-1", "c1", 1m),
            Transaction("inbatch", "D-1", "c1", 2m),
        });

        await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.Conflict, "[1].orderId");
    }

    [Fact]
    public async Task Batch_2500NewTransactions_PublishesThreeEventsOfAtMost1000()
    {
        await _host.CreateCustomerAsync("big", "c1");
        var before = await _host.OutboxMessagesAsync("TransactionsRecorded");

        var response = await Client.PostAsJsonAsync("/v1/transactions/batch", Enumerable.Range(0, 2500).Select(i => Transaction("big", $"N-{i}", "c1", i)).ToArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 3, await _host.OutboxMessagesAsync("TransactionsRecorded"));
        Assert.Equal(1000, await _host.ScalarAsync<int>(
            "SELECT max(json_array_length(body->'transactions')) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%'"));
    }

    [Fact]
    public async Task Batch_EmptyOrOver10000Items_Returns400()
    {
        var empty = await Client.PostAsJsonAsync("/v1/transactions/batch", Array.Empty<object>());
        var tooMany = await Client.PostAsJsonAsync("/v1/transactions/batch", Enumerable.Range(0, 10_001).Select(_ => new { }).ToArray());

        await RecordingTestHost.AssertProblemAsync(empty, HttpStatusCode.BadRequest, "body");
        await RecordingTestHost.AssertProblemAsync(tooMany, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Post_OversizeBody_Returns413()
    {
        var response = await Client.PostAsJsonAsync("/v1/transactions", Transaction("huge", new string('x', 70_000), "c1", 1m));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Batch_OversizeBody_Returns413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/transactions/batch")
        {
            Content = new StringContent("[" + string.Join(',', Enumerable.Repeat($"{{\"category\":\"{new string('x', 3000)}\"}}", 9000)) + "]", Encoding.UTF8, "application/json"),
        };
        // The server refuses on Content-Length alone; with 100-continue the client waits for that answer instead of
        // pushing 27 MB into a connection the server closes.
        request.Headers.ExpectContinue = true;

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_ManyConcurrentSingles_EachGetsItsOwnAnswer_AndShareCommitsAndEvents()
    {
        await _host.CreateCustomerAsync("group", "g1");
        var first = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => Client.PostAsJsonAsync("/v1/transactions", Transaction("group", $"G-{i}", "g1", 10m + i))));
        Assert.All(first, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        // Replays, conflicts, unknown customers and new orders at once: every request is answered on its own.
        var requests = Enumerable.Range(0, 50).Select(i => (Transaction("group", $"G-{i}", "g1", 10m + i), HttpStatusCode.OK))
            .Concat(Enumerable.Range(50, 25).Select(i => (Transaction("group", $"G-{i}", "g1", 999m), HttpStatusCode.Conflict)))
            .Concat(Enumerable.Range(0, 25).Select(i => (Transaction("group", $"U-{i}", "nobody", 5m), HttpStatusCode.BadRequest)))
            .Concat(Enumerable.Range(150, 50).Select(i => (Transaction("group", $"G-{i}", "g1", 10m + i), HttpStatusCode.Created)))
            .ToList();
        var responses = await Task.WhenAll(requests.Select(r => Client.PostAsJsonAsync("/v1/transactions", r.Item1)));

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(requests[i].Item2, responses[i].StatusCode);
        }

        Assert.Equal(200L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'group'"));
        Assert.Equal(10m + 60, await _host.ScalarAsync<decimal>("SELECT gross_amount FROM transactions WHERE source = 'group' AND order_id = 'G-60'"));
        var records = await _host.ScalarAsync<long>(
            """
            SELECT count(*) FROM outbox_messages, json_array_elements(body->'transactions') AS t
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%' AND t->>'source' = 'group'
            """);
        var events = await _host.ScalarAsync<long>(
            """
            SELECT count(DISTINCT sequence) FROM outbox_messages, json_array_elements(body->'transactions') AS t
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%' AND t->>'source' = 'group'
            """);
        Assert.Equal(200L, records); // each new order published once, none of the others
        Assert.True(events < records, $"{events} events for {records} orders: concurrent requests were not grouped");
    }

    [Fact]
    public async Task Batch_SameNewOrdersTwiceAtOnce_OneStoresThemTheOtherSeesDuplicates()
    {
        // The second waits on the first's unique keys and then sees duplicates: nothing is stored or published twice.
        await _host.CreateCustomerAsync("race", "r1");
        var batch = Enumerable.Range(0, 500).Select(i => Transaction("race", $"R-{i}", "r1", 10m + i)).ToArray();

        var responses = await Task.WhenAll(Client.PostAsJsonAsync("/v1/transactions/batch", batch), Client.PostAsJsonAsync("/v1/transactions/batch", batch));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal([0, 500], bodies.Select(b => b.GetProperty("new").GetInt32()).Order());
        Assert.Equal([0, 500], bodies.Select(b => b.GetProperty("duplicates").GetInt32()).Order());
        Assert.Equal(500L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'race'"));
        Assert.Equal(500L, await _host.ScalarAsync<long>(
            """
            SELECT count(*) FROM outbox_messages, json_array_elements(body->'transactions') AS t
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%' AND t->>'source' = 'race'
            """));
    }

    private static object Transaction(string source, string orderId, string customer, decimal gross, string occurredAt = "2024-01-01T00:00:00Z", string currency = "EUR") =>
        new { source, orderId, customerExternalId = customer, occurredAt, grossAmount = gross, currency };

    private Task<long> CountEventsForAsync(Guid transactionId) =>
        _host.ScalarAsync<long>(
            """
            SELECT count(*) FROM outbox_messages, json_array_elements(body->'transactions') AS t
            WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%' AND t->>'transactionId' = @id
            """,
            ("id", transactionId.ToString()));
}

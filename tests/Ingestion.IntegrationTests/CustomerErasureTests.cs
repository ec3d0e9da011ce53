using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Data;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary><c>DELETE /v1/customers/{id}</c>: the customer's data leaves every Ingestion table, and the erasure is announced.</summary>
public sealed class CustomerErasureTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Delete_RemovesCustomerConsentsTransactionsAndResponses_AndReturns204()
    {
        var id = await PostAsync("erase", "E-1", "e1@example.com");
        await app.ScalarAsync<int>("""
            INSERT INTO transactions (transaction_id, source, order_id, customer_id, occurred_at, gross_amount, currency, quantity, is_return, recorded_at)
            VALUES (gen_random_uuid(), 'erase', 'O-1', @Id, now(), 10, 'EUR', 1, false, now());
            INSERT INTO responses (response_id, source, campaign_code, customer_id, channel, type, occurred_at, recorded_at)
            VALUES (gen_random_uuid(), 'erase', 'C-1', @Id, 'email', 'opened', now(), now());
            SELECT 1;
            """, new { Id = id });

        var response = await _client.DeleteAsync($"/v1/customers/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var table in new[] { "customers", "consents", "transactions", "responses" })
        {
            Assert.Equal(0L, await app.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE customer_id = @Id", new { Id = id }));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/customers/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_WritesCustomerErasedToTheOutbox()
    {
        var id = await PostAsync("erase", "E-2", null);

        await _client.DeleteAsync($"/v1/customers/{id}");

        var body = await app.ScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomerErased,%' AND body::json ->> 'customerId' = @Id",
            new { Id = id.ToString() });
        var erased = JsonDocument.Parse(body).RootElement;
        Assert.True(erased.GetProperty("erasedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Delete_DropsSentOutboxCopies_AndCutsTheCustomerOutOfUnsentBatches()
    {
        var id = await PostAsync("erase", "E-3", null);
        var other = DeterministicGuid.ForCustomer("erase", "E-3-other");
        await Eventually.TrueAsync(
            async () => await app.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE sent_at IS NOT NULL AND body::text LIKE @Pattern", new { Pattern = $"%{id}%" }) == 2,
            "the customer's events (CustomersUpserted, ContactDetailsChanged) to be sent");
        // An unsent batch naming the customer and someone else (parked, so the relay leaves it alone during the test).
        await app.ScalarAsync<int>("""
            INSERT INTO outbox_messages (message_id, message_type, body, created_at, parked_at)
            VALUES (gen_random_uuid(), 'Platform.Contracts.Ingestion.TransactionsRecorded, Platform.Contracts',
                    json_build_object('transactions', json_build_array(json_build_object('customerId', @Id, 'orderId', 'O-1'), json_build_object('customerId', @Other, 'orderId', 'O-2'))),
                    now(), now());
            SELECT 1;
            """, new { Id = id.ToString(), Other = other.ToString() });

        await _client.DeleteAsync($"/v1/customers/{id}");

        Assert.Equal(0L, await app.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body::text LIKE @Pattern AND message_type NOT LIKE '%CustomerErased%'", new { Pattern = $"%{id}%" }));
        var remaining = await app.ScalarAsync<string>("SELECT body::text FROM outbox_messages WHERE body::text LIKE @Pattern", new { Pattern = $"%{other}%" });
        var item = Assert.Single(JsonDocument.Parse(remaining).RootElement.GetProperty("transactions").EnumerateArray());
        Assert.Equal("O-2", item.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task DeleteTwice_SecondReturns404Problem()
    {
        var id = await PostAsync("erase", "E-4", null);

        var first = await _client.DeleteAsync($"/v1/customers/{id}");
        var second = await _client.DeleteAsync($"/v1/customers/{id}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%CustomerErased%' AND body::text LIKE @Pattern", new { Pattern = $"%{id}%" }));
    }

    [Fact]
    public async Task Delete_UnknownCustomer_Returns404Problem_AndPublishesNothing()
    {
        var id = Guid.NewGuid();

        var response = await _client.DeleteAsync($"/v1/customers/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body::text LIKE @Pattern", new { Pattern = $"%{id}%" }));
    }

    [Fact]
    public async Task Delete_RecordOthersAreLinkedTo_MovesThemToTheEarliestRemainingRecord_AndPublishesThem()
    {
        var root = await PostAsync("erase", "P-1", "family@example.com");
        var second = await PostAsync("erase2", "P-2", "family@example.com");
        var third = await PostAsync("erase3", "P-3", "family@example.com");

        await _client.DeleteAsync($"/v1/customers/{root}");

        Assert.Equal(second, (await GetAsync(second)).GetProperty("personId").GetGuid());
        Assert.Equal(second, (await GetAsync(third)).GetProperty("personId").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/persons/{root}")).StatusCode);
        Assert.Equal(second, (await app.CustomerEventsAsync(third))[^1].GetProperty("personId").GetGuid());
    }

    [Fact]
    public async Task PostAfterDelete_CreatesTheCustomerAgain()
    {
        var id = await PostAsync("erase", "E-5", null);
        await _client.DeleteAsync($"/v1/customers/{id}");

        var again = await _client.PostAsJsonAsync("/v1/customers", new { source = "erase", externalId = "E-5" });

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    private async Task<Guid> PostAsync(string source, string externalId, string? email)
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new { source, externalId, email, consents = new { email = new { granted = true } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
    }

    private async Task<JsonElement> GetAsync(Guid id) => await _client.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}");
}

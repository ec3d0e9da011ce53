using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Contracts.Ingestion;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Ingestion.IntegrationTests;

/// <summary>
/// <see cref="ContactDetailsChanged"/> goes with every <see cref="CustomersUpserted"/> (same customers, same versions,
/// same transaction) on every path that writes customers, and erasure cuts the customer out of parked copies.
/// </summary>
public sealed class ContactDetailsEventsTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private readonly RecordingTestHost _host = fixture.Host;

    [Fact]
    public async Task PostCustomer_PublishesContactDetailsWithTheSameVersion_AndItsContactFields()
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/customers", new
        {
            source = "cd", externalId = "full", firstName = "Ada", lastName = "Lovelace", email = "Ada@Example.com", phone = "+44 20 7946 0000",
            addressLine = "12 St James's Square", postalCode = "SW1Y 4JH", city = "London", region = "England", country = "gb",
            consents = new { mail = new { granted = true }, phone = new { granted = false } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = DeterministicGuid.ForCustomer("cd", "full");

        var (upserted, contact) = await LatestPairAsync(id);

        Assert.Equal(upserted.GetProperty("version").GetInt64(), contact.GetProperty("version").GetInt64());
        Assert.Equal("Ada", contact.GetProperty("firstName").GetString());
        Assert.Equal("Lovelace", contact.GetProperty("lastName").GetString());
        Assert.Equal("ada@example.com", contact.GetProperty("email").GetString());
        Assert.Equal("+442079460000", contact.GetProperty("phone").GetString());
        Assert.Equal("12 St James's Square", contact.GetProperty("addressLine").GetString());
        Assert.Equal("SW1Y 4JH", contact.GetProperty("postalCode").GetString());
        Assert.Equal("London", contact.GetProperty("city").GetString());
        Assert.Equal("England", contact.GetProperty("region").GetString());
        Assert.Equal("GB", contact.GetProperty("country").GetString());
        Assert.True(contact.GetProperty("consents").GetProperty("mail").GetBoolean());
        Assert.False(contact.GetProperty("consents").GetProperty("phone").GetBoolean());
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("consents").GetProperty("email").ValueKind);
    }

    [Fact]
    public async Task PostCustomer_WithoutContactFields_PublishesNulls()
    {
        var id = await _host.CreateCustomerAsync("cd", "bare");

        var (upserted, contact) = await LatestPairAsync(id);

        Assert.Equal(upserted.GetProperty("version").GetInt64(), contact.GetProperty("version").GetInt64());
        foreach (var field in new[] { "firstName", "lastName", "email", "phone", "addressLine", "postalCode", "city", "region", "country" })
        {
            Assert.Equal(JsonValueKind.Null, contact.GetProperty(field).ValueKind);
        }

        foreach (var channel in new[] { "email", "sms", "mail", "phone" })
        {
            Assert.Equal(JsonValueKind.Null, contact.GetProperty("consents").GetProperty(channel).ValueKind);
        }
    }

    [Fact]
    public async Task Batch_PublishesOneContactDetailsEventPerUpsertEvent_WithTheSameCustomersAndVersions()
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/customers/batch", new object[]
        {
            new { source = "cd-batch", externalId = "b1", city = "Oslo" },
            new { source = "cd-batch", externalId = "b2", email = "b2@example.com" },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        await AssertPairedAsync("cd-batch", 2);
    }

    [Fact]
    public async Task UnchangedRepost_PublishesNeitherEvent()
    {
        var body = new { source = "cd", externalId = "same", city = "Bergen" };
        await _host.Client.PostAsJsonAsync("/v1/customers", body);
        var id = DeterministicGuid.ForCustomer("cd", "same");
        var before = await ContactEventsAsync(id);

        var again = await _host.Client.PostAsJsonAsync("/v1/customers", body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(before.Count, (await ContactEventsAsync(id)).Count);
    }

    [Fact]
    public async Task OptOutResponse_PublishesTheWithdrawnConsent_AtTheNewVersion()
    {
        await _host.Client.PostAsJsonAsync("/v1/customers", new
        {
            source = "cd-opt", externalId = "o1", email = "o1@example.com", consents = new { email = new { granted = true, at = "2024-01-01T00:00:00Z" } },
        });
        var id = DeterministicGuid.ForCustomer("cd-opt", "o1");
        var before = (await LatestPairAsync(id)).Contact.GetProperty("version").GetInt64();

        var response = await _host.Client.PostAsJsonAsync("/v1/responses", new
        {
            source = "cd-opt", campaignCode = "C-1", customerExternalId = "o1", channel = "email", type = "opted-out", occurredAt = "2024-06-01T00:00:00Z",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var (upserted, contact) = await LatestPairAsync(id);
        Assert.True(contact.GetProperty("version").GetInt64() > before);
        Assert.Equal(upserted.GetProperty("version").GetInt64(), contact.GetProperty("version").GetInt64());
        Assert.False(contact.GetProperty("consents").GetProperty("email").GetBoolean());
        Assert.Equal("o1@example.com", contact.GetProperty("email").GetString());
    }

    [Fact]
    public async Task TransactionCreatingCustomers_PublishesTheirContactDetails()
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/transactions?createCustomers=true", new
        {
            source = "cd-tx", orderId = "T-1", customerExternalId = "t1", occurredAt = "2024-03-01T12:00:00Z", grossAmount = 10m, currency = "EUR",
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        await AssertPairedAsync("cd-tx", 1);
    }

    [Fact]
    public async Task CustomerImport_PublishesContactDetailsForEveryImportedCustomer()
    {
        // Chunks of 3 rows (ImportHostFixture): the 4 customers span two chunks of one transaction.
        const string csv = """
            source,external_id,first_name,email,city
            cd-imp,i1,Ann,i1@example.com,Rome
            cd-imp,i2,Ben,,Milan
            cd-imp,i3,,,
            cd-imp,i4,Dan,i4@example.com,
            """;
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var upload = await _host.Client.PostAsync("/v1/imports?kind=customers", content);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var report = await ImportPolling.WaitAsync(_host.Client, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid());
        Assert.Equal("completed", report.GetProperty("status").GetString());

        await AssertPairedAsync("cd-imp", 4);
        var (_, contact) = await LatestPairAsync(DeterministicGuid.ForCustomer("cd-imp", "i2"));
        Assert.Equal("Ben", contact.GetProperty("firstName").GetString());
        Assert.Equal("Milan", contact.GetProperty("city").GetString());
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("email").ValueKind);
    }

    [Fact]
    public async Task Erase_CutsTheCustomerOutOfParkedAndUnsentContactDetailsBatches()
    {
        var erased = await _host.CreateCustomerAsync("cd-erase", "gone");
        var kept = await _host.CreateCustomerAsync("cd-erase", "kept");
        // A parked batch naming both (parked, so the relay leaves it alone during the test).
        await _host.ExecuteAsync(
            """
            INSERT INTO outbox_messages (message_id, message_type, body, created_at, parked_at)
            VALUES (gen_random_uuid(), 'Platform.Contracts.Ingestion.ContactDetailsChanged, Platform.Contracts',
                    json_build_object('customers', json_build_array(
                        json_build_object('customerId', @Erased, 'version', 1, 'email', 'gone@example.com', 'consents', json_build_object()),
                        json_build_object('customerId', @Kept, 'version', 1, 'email', 'kept@example.com', 'consents', json_build_object()))),
                    now(), now())
            """,
            ("Erased", erased.ToString()), ("Kept", kept.ToString()));

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/v1/customers/{erased}")).StatusCode);

        Assert.Equal(0L, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body::text LIKE @Pattern AND message_type NOT LIKE '%CustomerErased%'", ("Pattern", $"%{erased}%")));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body::text LIKE '%gone@example.com%'"));
        var parked = await _host.ScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE parked_at IS NOT NULL AND message_type LIKE '%ContactDetailsChanged%'");
        var item = Assert.Single(JsonDocument.Parse(parked).RootElement.GetProperty("customers").EnumerateArray());
        Assert.Equal(kept, item.GetProperty("customerId").GetGuid());
    }

    [Fact]
    public void ParkedMessageEraser_CutsTheCustomerOutOfAContactDetailsChangedEnvelope()
    {
        // The shape an error queue holds (MassTransit's JSON envelope), as Campaigns' consumer would park it.
        var gone = Guid.NewGuid();
        var kept = Guid.NewGuid();
        var envelope = new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:Platform.Contracts.Ingestion:ContactDetailsChanged" },
            message = new ContactDetailsChanged
            {
                Customers =
                [
                    new ContactDetails { CustomerId = gone, Version = 3, Email = "gone@example.com", Phone = "+4912345", Consents = new ChannelConsents() },
                    new ContactDetails { CustomerId = kept, Version = 4, Email = "kept@example.com", Consents = new ChannelConsents() },
                ],
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, WebJson);

        var erased = ParkedMessageEraser.Erase(body, gone.ToString("D"));

        Assert.NotNull(erased);
        var text = Encoding.UTF8.GetString(erased);
        Assert.DoesNotContain(gone.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("gone@example.com", text, StringComparison.Ordinal);
        var item = Assert.Single(JsonDocument.Parse(erased).RootElement.GetProperty("message").GetProperty("customers").EnumerateArray());
        Assert.Equal(kept, item.GetProperty("customerId").GetGuid());
    }

    /// <summary>Every customer of <paramref name="source"/> is in as many ContactDetailsChanged as CustomersUpserted records, at the same versions, and each ContactDetailsChanged was written right after its CustomersUpserted.</summary>
    private async Task AssertPairedAsync(string source, int customers)
    {
        var ids = (await _host.QueryAsync<Guid>("SELECT customer_id FROM customers WHERE source = @source", new { source })).ToList();
        Assert.Equal(customers, ids.Count);
        foreach (var id in ids)
        {
            var upserts = await UpsertEventsAsync(id);
            var contacts = await ContactEventsAsync(id);
            Assert.NotEmpty(upserts);
            Assert.Equal(upserts.Select(u => u.Record.GetProperty("version").GetInt64()), contacts.Select(c => c.Record.GetProperty("version").GetInt64()));
            Assert.Equal(upserts.Select(u => u.Sequence + 1), contacts.Select(c => c.Sequence));
        }
    }

    private async Task<(JsonElement Upserted, JsonElement Contact)> LatestPairAsync(Guid id) =>
        ((await UpsertEventsAsync(id))[^1].Record, (await ContactEventsAsync(id))[^1].Record);

    private Task<List<(long Sequence, JsonElement Record)>> UpsertEventsAsync(Guid id) => EventsAsync("CustomersUpserted", id);

    private Task<List<(long Sequence, JsonElement Record)>> ContactEventsAsync(Guid id) => EventsAsync("ContactDetailsChanged", id);

    private async Task<List<(long Sequence, JsonElement Record)>> EventsAsync(string type, Guid id)
    {
        var rows = await _host.QueryAsync<OutboxRecord>(
            """
            SELECT o.sequence, r::text AS Record
            FROM outbox_messages AS o, json_array_elements(o.body -> 'customers') AS r
            WHERE o.message_type LIKE @Type AND r ->> 'customerId' = @Id
            ORDER BY o.sequence
            """,
            new { Type = $"Platform.Contracts.Ingestion.{type},%", Id = id.ToString() });
        return rows.Select(r => (r.Sequence, JsonDocument.Parse(r.Record).RootElement.Clone())).ToList();
    }

    private sealed record OutboxRecord(long Sequence, string Record);
}

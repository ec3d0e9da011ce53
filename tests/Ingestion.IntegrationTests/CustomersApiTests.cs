using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using Platform.Data;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary><c>POST /v1/customers</c> and <c>GET /v1/customers/{id}</c>: fields, normalization, replays, consents, attributes, bad input.</summary>
public sealed class CustomersApiTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Post_NewCustomer_Returns201WithStableId_AndTheStoredNormalizedCustomer()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new
        {
            source = "WebShop",
            externalId = " C-1001 ",
            firstName = " Ada ",
            lastName = "Lovelace",
            email = " Ada@Example.COM ",
            phone = "0044 (20) 7946-0018",
            addressLine = "12 St James's Square",
            postalCode = "SW1Y 4JH",
            city = "London",
            region = "Greater London",
            country = "gb",
            gender = "Female",
            birthDate = "1985-12-10",
            joinDate = "2019-03-01",
            lifecycle = "prospect",
            acquisitionChannel = "direct-mail",
            acquisitionCampaign = "SPRING-19",
            consents = new { email = new { granted = true, at = "2024-01-01T00:00:00Z" }, sms = new { granted = false } },
            attributes = new { tier = "gold", visits = 12, newsletter = true },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var customerId = body.GetProperty("customerId").GetGuid();
        Assert.Equal(DeterministicGuid.ForCustomer("webshop", "C-1001"), customerId);
        Assert.Equal($"/v1/customers/{customerId}", response.Headers.Location?.ToString());
        Assert.Equal(customerId, body.GetProperty("personId").GetGuid());
        Assert.Equal("webshop", body.GetProperty("source").GetString());
        Assert.Equal("C-1001", body.GetProperty("externalId").GetString());
        Assert.Equal("Ada", body.GetProperty("firstName").GetString());
        Assert.Equal("ada@example.com", body.GetProperty("email").GetString());
        Assert.Equal("+442079460018", body.GetProperty("phone").GetString());
        Assert.Equal("SW1Y 4JH", body.GetProperty("postalCode").GetString());
        Assert.Equal("GB", body.GetProperty("country").GetString());
        Assert.Equal("female", body.GetProperty("gender").GetString());
        Assert.Equal("1985-12-10", body.GetProperty("birthDate").GetString());
        Assert.Equal("2019-03-01", body.GetProperty("joinDate").GetString());
        Assert.Equal("prospect", body.GetProperty("lifecycle").GetString());
        Assert.Equal("SPRING-19", body.GetProperty("acquisitionCampaign").GetString());
        var email = body.GetProperty("consents").GetProperty("email");
        Assert.True(email.GetProperty("granted").GetBoolean());
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), email.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("customer", email.GetProperty("origin").GetString());
        Assert.False(body.GetProperty("consents").GetProperty("sms").GetProperty("granted").GetBoolean());
        Assert.False(body.GetProperty("consents").TryGetProperty("mail", out _));
        Assert.Equal("gold", body.GetProperty("attributes").GetProperty("tier").GetString());
        Assert.Equal(12, body.GetProperty("attributes").GetProperty("visits").GetInt32());
        Assert.True(body.GetProperty("attributes").GetProperty("newsletter").GetBoolean());

        var get = await _client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customerId}");
        Assert.Equal(body.ToString(), get.ToString());
    }

    [Fact]
    public async Task Post_NewCustomer_PublishesOneRecordWithEverythingDownstreamNeeds_AndNoContactDetails()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new
        {
            source = "events",
            externalId = "E-1",
            firstName = "Grace",
            email = "grace@example.com",
            phone = "+1 202 555 0147",
            country = "us",
            region = "VA",
            gender = "female",
            birthDate = "1906-12-09",
            joinDate = "1950-01-01",
            acquisitionChannel = "web",
            acquisitionCampaign = "LAUNCH",
            consents = new { email = new { granted = true }, mail = new { granted = false } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var customerId = body.GetProperty("customerId").GetGuid();

        var record = Assert.Single(await app.CustomerEventsAsync(customerId));

        Assert.Equal(customerId, record.GetProperty("personId").GetGuid());
        Assert.Equal("events", record.GetProperty("source").GetString());
        Assert.Equal("E-1", record.GetProperty("externalId").GetString());
        Assert.Equal("customer", record.GetProperty("lifecycle").GetString());
        Assert.Equal("female", record.GetProperty("gender").GetString());
        Assert.Equal(1906, record.GetProperty("birthYear").GetInt32());
        Assert.Equal("1950-01-01", record.GetProperty("joinDate").GetString());
        Assert.Equal("US", record.GetProperty("country").GetString());
        Assert.Equal("VA", record.GetProperty("region").GetString());
        Assert.Equal("web", record.GetProperty("acquisitionChannel").GetString());
        Assert.Equal("LAUNCH", record.GetProperty("acquisitionCampaign").GetString());
        Assert.True(record.GetProperty("consents").GetProperty("email").GetBoolean());
        Assert.False(record.GetProperty("consents").GetProperty("mail").GetBoolean());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("consents").GetProperty("sms").ValueKind);
        Assert.Equal(body.GetProperty("updatedAt").GetDateTimeOffset(), record.GetProperty("updatedAt").GetDateTimeOffset());
        var text = record.ToString();
        Assert.DoesNotContain("Grace", text, StringComparison.Ordinal);
        Assert.DoesNotContain("grace@example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2025550147", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1906-12-09", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SameCustomerTwice_SecondReturns200WithSameBody_AndPublishesNothingMore()
    {
        // consents without 'at' are stamped now: the replay is later, but says the same, so nothing changes
        var request = new
        {
            source = "billing",
            externalId = "B-7",
            lastName = "Hopper",
            consents = new { email = new { granted = true }, phone = new { granted = false } },
            attributes = new { score = 1.50, code = "x" },
        };
        var first = await _client.PostAsJsonAsync("/v1/customers", request);
        var second = await _client.PostAsJsonAsync("/v1/customers", request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Single(await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("billing", "B-7")));
    }

    [Fact]
    public async Task Post_ChangedCustomer_Returns200_AndPublishesTheNewVersion()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "X-1", country = "NL", city = "Utrecht" });
        var changed = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "X-1", country = "BE" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("BE", body.GetProperty("country").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("city").ValueKind); // every field is replaced, absent = none
        var events = await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("shop", "X-1"));
        Assert.Equal(["NL", "BE"], events.Select(e => e.GetProperty("country").GetString()));
        Assert.True(events[1].GetProperty("updatedAt").GetDateTimeOffset() > events[0].GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Post_OnlyAConsentChanged_Returns200_AndPublishesANewerVersion()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-1", consents = new { sms = new { granted = true, at = "2024-01-01T00:00:00Z" } } });
        var changed = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-1", consents = new { sms = new { granted = false, at = "2024-02-01T00:00:00Z" } } });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var sms = (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consents").GetProperty("sms");
        Assert.False(sms.GetProperty("granted").GetBoolean());
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), sms.GetProperty("at").GetDateTimeOffset());
        var events = await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("shop", "K-1"));
        Assert.Equal(2, events.Count);
        Assert.False(events[1].GetProperty("consents").GetProperty("sms").GetBoolean());
        Assert.True(events[1].GetProperty("updatedAt").GetDateTimeOffset() > events[0].GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Post_ConsentOlderThanTheStoredOne_DoesNotOverwriteIt_AndPublishesNothing()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-2", consents = new { email = new { granted = false, at = "2024-05-01T00:00:00Z" } } });
        var late = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-2", consents = new { email = new { granted = true, at = "2024-04-30T23:59:59Z" } } });

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var email = (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consents").GetProperty("email");
        Assert.False(email.GetProperty("granted").GetBoolean());
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), email.GetProperty("at").GetDateTimeOffset());
        Assert.Single(await app.CustomerEventsAsync(DeterministicGuid.ForCustomer("shop", "K-2")));
    }

    [Fact]
    public async Task Post_ChannelLeftOut_KeepsItsStoredConsent()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-3", consents = new { mail = new { granted = true } } });
        var second = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "K-3", consents = new { phone = new { granted = true } } });

        var consents = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consents");
        Assert.True(consents.GetProperty("mail").GetProperty("granted").GetBoolean());
        Assert.True(consents.GetProperty("phone").GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task Post_Attributes_ReplaceTheStoredSet()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "A-1", attributes = new { a = "1", b = 2 } });
        var second = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "A-1", attributes = new { b = 3 } });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("""{"b":3}""", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attributes").GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_EveryFieldInvalid_Returns400ProblemNamingEachField_AndWritesNothing()
    {
        var source = Unique();
        var response = await _client.PostAsJsonAsync("/v1/customers", new
        {
            source,
            email = "not-an-email",
            phone = "12-34",
            country = "Netherlands",
            lifecycle = "vip",
            gender = "unknown",
            birthDate = "1899-12-31",
            joinDate = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            firstName = new string('x', 201),
            postalCode = new string('9', 21),
            consents = new Dictionary<string, object> { ["fax"] = new { granted = true }, ["email"] = new { at = "2024-01-01" } },
            attributes = new { nested = new { a = 1 }, list = new List<int> { 1, 2 } },
        });

        await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest,
            "externalId", "email", "phone", "country", "lifecycle", "gender", "birthDate", "joinDate", "firstName", "postalCode",
            "consents.fax", "consents.email.granted", "consents.email.at", "attributes.nested", "attributes.list");
        await app.AssertNothingWrittenAsync(source);
    }

    [Theory]
    [InlineData("{\"source\": \"SRC\", \"externalId\": ", "externalId")]                         // truncated where externalId should start
    [InlineData("{\"source\": 42, \"externalId\": \"A\"}", "source")]                            // wrong type
    [InlineData("{\"source\": \"SRC\", \"externalId\": [\"A\"]}", "externalId")]
    [InlineData("{\"source\": \"SRC\", \"externalId\": \"A\", \"birthDate\": 19850101}", "birthDate")]
    [InlineData("{\"source\": \"SRC\", \"externalId\": \"A\", \"consents\": {\"email\": {\"granted\": \"yes\"}}}", "consents.email.granted")]
    [InlineData("{\"source\": \"SRC\", \"externalId\": \"A\", \"consents\": [true]}", "consents")]
    [InlineData("{\"source\": \"SRC\", \"externalId\": \"A\", \"attributes\": \"gold\"}", "attributes")]
    [InlineData("not json at all", "body")]
    public async Task Post_MalformedJsonOrWrongType_Returns400ProblemNamingTheField_AndWritesNothing(string json, string field)
    {
        var source = Unique();
        using var content = new StringContent(json.Replace("SRC", source, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/customers", content);

        await CustomersFixture.AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        await app.AssertNothingWrittenAsync(source);
    }

    [Fact]
    public async Task Get_UnknownCustomer_Returns404Problem()
    {
        var response = await _client.GetAsync($"/v1/customers/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthReady_WithDatabaseAndBroker_Returns200()
    {
        await Eventually.TrueAsync(async () => (await _client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready");
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
    }

    private static string Unique() => "t" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>
/// Ingestion started once per test class, on a real loopback port (so Kestrel's limits apply, e.g. the body size),
/// with its own database and vhost; tests of a class use distinct customer keys.
/// </summary>
public sealed class CustomersFixture : IAsyncLifetime
{
    private ServiceTestHost<Program> _host = null!;

    public TestDatabase Database => _host.Database;
    public TestVirtualHost Vhost => _host.VirtualHost;
    public ServiceApp<Program> App => _host.App;
    public HttpClient Client => _host.Client;

    public async Task InitializeAsync() => _host = await ServiceTestHost<Program>.StartAsync("ingestion_customers");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Every <c>CustomersUpserted</c> record for the customer in the outbox, oldest first.</summary>
    public async Task<List<JsonElement>> CustomerEventsAsync(Guid customerId)
    {
        await using var connection = await Database.OpenAsync();
        var records = await connection.QueryAsync<string>("""
            SELECT r::text
            FROM outbox_messages AS o, json_array_elements(o.body::json -> 'customers') AS r
            WHERE o.message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND r ->> 'customerId' = @Id
            ORDER BY o.sequence
            """, new { Id = customerId.ToString() });
        return records.Select(r => JsonDocument.Parse(r).RootElement.Clone()).ToList();
    }

    public Task<T> ScalarAsync<T>(string sql, object? args = null) => _host.ScalarAsync<T>(sql, args);

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? args = null) => await _host.QueryAsync<T>(sql, args);

    /// <summary>No customer of <paramref name="source"/> and no outbox message naming it.</summary>
    public async Task AssertNothingWrittenAsync(string source)
    {
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM customers WHERE source = @source", new { source }));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body::text LIKE @Pattern", new { Pattern = $"%{source}%" }));
    }

    public static Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields) =>
        ProblemAssert.HasProblemAsync(response, status, fields);
}

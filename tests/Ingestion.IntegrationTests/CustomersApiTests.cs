using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

public sealed class CustomersApiTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;
    private ServiceApp<Program> _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(CustomersApiTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(CustomersApiTests));
        _app = new ServiceApp<Program>(ServiceSettings.For(_database, _vhost));
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Post_NewCustomer_Returns201WithStableId_StoresNormalizedFields_AndWritesOneEvent()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new
        {
            source = "WebShop",
            externalId = " C-1001 ",
            firstName = "Ada",
            email = " Ada@Example.COM ",
            country = "gb",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var customerId = body.GetProperty("customerId").GetGuid();
        Assert.Equal(Platform.Data.DeterministicGuid.ForCustomer("webshop", "C-1001"), customerId);
        Assert.Equal($"/v1/customers/{customerId}", response.Headers.Location?.ToString());
        Assert.Equal("ada@example.com", body.GetProperty("email").GetString());
        Assert.Equal("GB", body.GetProperty("country").GetString());
        Assert.Equal("customer", body.GetProperty("lifecycle").GetString());
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND body->'customers'->0->>'customerId' = @id", customerId.ToString()));
    }

    [Fact]
    public async Task Post_SameCustomerTwice_SecondReturns200WithSameBody_AndPublishesNothingMore()
    {
        var request = new { source = "billing", externalId = "B-7", lastName = "Hopper" };
        var first = await _client.PostAsJsonAsync("/v1/customers", request);
        var second = await _client.PostAsJsonAsync("/v1/customers", request);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var id = Platform.Data.DeterministicGuid.ForCustomer("billing", "B-7").ToString();
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body->'customers'->0->>'customerId' = @id", id));
    }

    [Fact]
    public async Task Post_ChangedCustomer_Returns200_AndPublishesTheNewVersion()
    {
        await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "X-1", country = "NL" });
        var changed = await _client.PostAsJsonAsync("/v1/customers", new { source = "shop", externalId = "X-1", country = "BE" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var id = Platform.Data.DeterministicGuid.ForCustomer("shop", "X-1").ToString();
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body->'customers'->0->>'customerId' = @id", id));
        Assert.Equal("BE", await ScalarAsync<string>("SELECT country FROM customers WHERE customer_id = @id::uuid", id));
    }

    [Fact]
    public async Task Post_MissingAndInvalidFields_Returns400ProblemNamingEachField_AndWritesNothing()
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new { email = "not-an-email", country = "Netherlands", lifecycle = "vip" });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "source", "externalId", "email", "country", "lifecycle");
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("{\"source\": \"shop\", \"externalId\": ", "externalId")]     // truncated where externalId should start
    [InlineData("{\"source\": 42, \"externalId\": \"A\"}", "source")]           // wrong type
    [InlineData("{\"source\": \"shop\", \"externalId\": [\"A\"]}", "externalId")]
    [InlineData("not json at all", "body")]
    public async Task Post_MalformedJson_Returns400ProblemNamingTheField_AndWritesNothing(string json, string field)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/customers", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        await AssertNothingWrittenAsync();
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

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"problem should name '{field}': {problem}");
        }
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Equal(0L, await ScalarAsync<long>("SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM outbox_messages) + 0 * length(@id)", ""));
    }

    private async Task<T> ScalarAsync<T>(string sql, string id)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

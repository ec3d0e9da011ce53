using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>
/// The gateway's key check against real services: 401 without a valid key, 403 with the wrong scope, 429 over the
/// key's rate, the service's answer with the right scope; admin forwarding to a service's <c>/admin</c>.
/// </summary>
public sealed class ApiKeyScopeTests(ApiKeysFixture fixture) : IClassFixture<ApiKeysFixture>
{
    private TestGateway Gateway => fixture.Gateway;

    [Fact]
    public async Task WithoutKey_OrWithAnUnknownOrMalformedKey_Is401WithABearerChallenge()
    {
        foreach (var key in new[] { "", "pk_" + new string('A', 43), "not-a-key", TestGateway.AdminKey + "x" })
        {
            using var client = Gateway.CreateClient(key: key);
            foreach (var path in new[] { "/segmentation/v1/segments", "/ingestion/v1/imports", "/admin/keys", "/nowhere/at/all" })
            {
                var response = await client.GetAsync(path);
                await ProblemAssert.HasProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            }
        }
    }

    [Fact]
    public async Task HealthAndApiDocuments_NeedNoKey()
    {
        using var anonymous = Gateway.CreateClient(key: "");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ingestion/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/segmentation/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/sign-in")).StatusCode);
    }

    [Fact]
    public async Task ARevokedKey_Is401FromTheNextRequest_AndRevokingAgainOrAnUnknownKeyIsTold()
    {
        var (id, key) = await Gateway.CreateKeyWithIdAsync("to revoke", [Scopes.Marketer]);
        using var client = Gateway.CreateClient(key: key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/segmentation/v1/segments")).StatusCode);

        using var admin = Gateway.CreateClient(key: TestGateway.AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/keys/{id}")).StatusCode);

        await ProblemAssert.HasProblemAsync(await client.GetAsync("/segmentation/v1/segments"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/keys/{id}")).StatusCode);
        await ProblemAssert.HasProblemAsync(await admin.DeleteAsync($"/admin/keys/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/admin/keys/{id}");
        Assert.Equal(JsonValueKind.String, listed.GetProperty("revokedAt").ValueKind);
    }

    [Theory]
    [InlineData(Scopes.Ingest, "GET", "/segmentation/v1/segments")]
    [InlineData(Scopes.Ingest, "POST", "/segmentation/v1/segments/preview")]
    [InlineData(Scopes.Marketer, "POST", "/ingestion/v1/customers")]
    [InlineData(Scopes.Marketer, "GET", "/ingestion/v1/imports")]
    [InlineData(Scopes.Ingest, "DELETE", "/ingestion/v1/customers/7b0cf3a3-5d2b-4b8e-9a7e-3f0e6f0d2a11")]
    [InlineData(Scopes.Marketer, "DELETE", "/ingestion/V1/Customers/7b0cf3a3-5d2b-4b8e-9a7e-3f0e6f0d2a11")]
    [InlineData(Scopes.Ingest, "GET", "/admin/keys")]
    [InlineData(Scopes.Marketer, "POST", "/admin/keys")]
    [InlineData(Scopes.Marketer, "DELETE", "/admin/keys/7b0cf3a3-5d2b-4b8e-9a7e-3f0e6f0d2a11")]
    [InlineData(Scopes.Marketer, "GET", "/ingestion/admin/jobs")]
    [InlineData(Scopes.Ingest, "GET", "/segmentation/admin/error-queues")]
    [InlineData(Scopes.Marketer, "GET", "/admin/jobs")]
    public async Task AKeyWithoutTheRoutesScope_Is403(string scope, string method, string path)
    {
        using var client = Gateway.CreateClient(key: await Gateway.CreateKeyAsync($"only {scope}", [scope]));

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody("{}") });

        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AKeyWithTheRoutesScope_ReachesTheService()
    {
        using var ingest = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("ingest", [Scopes.Ingest]));
        var created = await ingest.PostAsJsonAsync("/ingestion/v1/customers", new { source = "keys", externalId = "k-1", country = "SE" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var customerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();

        using var marketer = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("marketer", [Scopes.Marketer]));
        Assert.Equal(HttpStatusCode.OK, (await marketer.GetAsync("/segmentation/v1/segments")).StatusCode);

        using var admin = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("admin", [Scopes.Admin]));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/ingestion/v1/customers/{customerId}")).StatusCode);

        using var several = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("ingest and marketer", [Scopes.Marketer, Scopes.Ingest]));
        Assert.Equal(HttpStatusCode.OK, (await several.GetAsync("/segmentation/v1/segments")).StatusCode);
        // Reached Ingestion, which knows no such customer.
        await ProblemAssert.HasProblemAsync(await several.GetAsync($"/ingestion/v1/customers/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AdminKey_ReachesAServicesJobs_WithTheGatewaysAdminKeyInPlaceOfItsOwn()
    {
        using var admin = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("operator", [Scopes.Admin]));
        var jobs = await admin.GetAsync("/ingestion/admin/jobs");
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await jobs.Content.ReadFromJsonAsync<JsonElement>()).ValueKind);

        // The gateway's own operator endpoints take the same keys (not only the configured admin key).
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/jobs")).StatusCode);

        // The configured admin key is a key with scope admin too.
        using var configured = Gateway.CreateClient(key: TestGateway.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await configured.GetAsync("/segmentation/admin/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await configured.GetAsync("/admin/keys")).StatusCode);
        await ProblemAssert.HasProblemAsync(await configured.GetAsync("/segmentation/v1/segments"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OverItsBurst_AKeyGets429WithRetryAfter()
    {
        using var client = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("slow", [Scopes.Marketer], requestsPerSecond: 1, burst: 2));

        // The bucket starts full: two requests pass; one of the next ones finds it empty (a refill adds one per second).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/segmentation/v1/segments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/segmentation/v1/segments")).StatusCode);
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 50 && refused is null; i++)
        {
            var response = await client.GetAsync("/segmentation/v1/segments");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        await ProblemAssert.HasProblemAsync(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 1, retryAfter);

        // Another key is not slowed by this one's bucket.
        using var other = Gateway.CreateClient(key: await Gateway.CreateKeyAsync("other", [Scopes.Marketer], requestsPerSecond: 1, burst: 2));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/segmentation/v1/segments")).StatusCode);
    }

    [Fact]
    public async Task KeysAreStoredAsTheirHashOnly_AndListsNeverShowThem()
    {
        var (id, key) = await Gateway.CreateKeyWithIdAsync("hashed", [Scopes.Ingest, Scopes.Marketer]);
        Assert.Matches("^pk_[A-Za-z0-9_-]{43}$", key);

        await using (var connection = await Gateway.Database.OpenAsync())
        {
            var rows = (await connection.QueryAsync<string>("SELECT t::text FROM api_keys t")).AsList();
            Assert.NotEmpty(rows);
            Assert.DoesNotContain(rows, r => r.Contains(key[ApiKeyPrefixLength..], StringComparison.Ordinal));
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM api_keys WHERE id = @id AND key_hash = sha256(convert_to(@key, 'UTF8')) AND prefix = @prefix AND scopes = ARRAY['ingest', 'marketer']",
                new { id, key, prefix = key[..ApiKeyPrefixLength] }));
        }

        using var admin = Gateway.CreateClient(key: TestGateway.AdminKey);
        var ids = new List<Guid>();
        string? next = "/admin/keys?limit=2";
        while (next is not null)
        {
            var text = await admin.GetStringAsync(next);
            Assert.DoesNotContain(key[ApiKeyPrefixLength..], text, StringComparison.Ordinal);
            var page = JsonDocument.Parse(text).RootElement;
            Assert.All(page.GetProperty("items").EnumerateArray(), item => Assert.DoesNotContain(
                item.EnumerateObject(), p => p.Name.Equals("key", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("hash", StringComparison.OrdinalIgnoreCase)));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()));
            next = page.GetProperty("next").GetString();
        }

        Assert.Contains(id, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var shown = await admin.GetFromJsonAsync<JsonElement>($"/admin/keys/{id}");
        Assert.Equal(key[..ApiKeyPrefixLength], shown.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task BadCreateBodies_Are400NamingEveryBadField_AndWriteNothing()
    {
        using var admin = Gateway.CreateClient(key: TestGateway.AdminKey);
        var before = await KeyCountAsync();

        await ProblemAssert.HasProblemAsync(
            await admin.PostAsync("/admin/keys", JsonBody("""{"name":" ","scopes":["root","ingest","ingest",null],"requestsPerSecond":0,"burst":-1}""")),
            HttpStatusCode.BadRequest, "name", "scopes[0]", "scopes[2]", "scopes[3]", "requestsPerSecond", "burst");
        await ProblemAssert.HasProblemAsync(await admin.PostAsync("/admin/keys", JsonBody("{}")), HttpStatusCode.BadRequest, "name", "scopes");
        await ProblemAssert.HasProblemAsync(await admin.PostAsync("/admin/keys", JsonBody("""{"name":"n","scopes":[]}""")), HttpStatusCode.BadRequest, "scopes");
        await ProblemAssert.HasProblemAsync(
            await admin.PostAsync("/admin/keys", JsonBody("""{"name":"n","scopes":["ingest"],"requestsPerSecond":10,"burst":5}""")), HttpStatusCode.BadRequest, "burst");
        await ProblemAssert.HasProblemAsync(
            await admin.PostAsync("/admin/keys", JsonBody("""{"name":"n","scopes":["ingest"],"key":"pk_mine"}""")), HttpStatusCode.BadRequest, "key");
        await ProblemAssert.HasProblemAsync(
            await admin.PostAsync("/admin/keys", JsonBody($$"""{"name":"{{new string('n', 201)}}","scopes":["ADMIN"]}""")), HttpStatusCode.BadRequest, "name", "scopes[0]");

        // The hostile-input corpus, as every write endpoint of the services gets it.
        var operation = new WriteOperation(HttpMethod.Post, "/admin/keys", "/admin/keys", BodyRequired: true, BodyIsArray: false,
            [("name", "string"), ("scopes", "array"), ("requestsPerSecond", "integer"), ("burst", "integer")], []);
        foreach (var (name, body) in HostileBodies.Json(operation))
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var response = await admin.PostAsync("/admin/keys", content);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{name}: {response.Content.Headers.ContentType}");
        }

        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task CreatedKey_IsShownOnce_WithItsDefaults()
    {
        using var admin = Gateway.CreateClient(key: TestGateway.AdminKey);
        var response = await admin.PostAsJsonAsync("/admin/keys", new { name = "defaults", scopes = (string[])["marketer", "ingest"] });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/admin/keys/{created.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        Assert.Equal(200, created.GetProperty("requestsPerSecond").GetInt32());
        Assert.Equal(400, created.GetProperty("burst").GetInt32());
        Assert.Equal(["ingest", "marketer"], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var shown = await admin.GetStringAsync(response.Headers.Location);
        Assert.DoesNotContain(created.GetProperty("key").GetString()!, shown, StringComparison.Ordinal);
    }

    private const int ApiKeyPrefixLength = 11;

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<long> KeyCountAsync()
    {
        await using var connection = await Gateway.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM api_keys");
    }
}

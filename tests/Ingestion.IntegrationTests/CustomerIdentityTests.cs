using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Data;

namespace Ingestion.IntegrationTests;

/// <summary>Records of several sources with the same email belong to one person.</summary>
public sealed class CustomerIdentityTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task TwoSources_SameEmailInAnotherCaseAndSpacing_ShareThePersonOfTheFirstRecord()
    {
        var first = await PostAsync("webshop", "W-1", " Ann.Lee@Example.com ");
        var second = await PostAsync("billing", "B-1", "ann.lee@example.COM");

        Assert.Equal(first.CustomerId, first.PersonId);
        Assert.Equal(first.CustomerId, second.PersonId);
        var person = await _client.GetFromJsonAsync<JsonElement>($"/v1/persons/{first.CustomerId}");
        Assert.Equal(
            [first.CustomerId, second.CustomerId],
            person.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customerId").GetGuid()));
        Assert.Equal(first.CustomerId, Assert.Single(await app.CustomerEventsAsync(second.CustomerId)).GetProperty("personId").GetGuid());
    }

    [Fact]
    public async Task DifferentEmails_AreDifferentPersons()
    {
        var first = await PostAsync("webshop", "W-2", "bo@example.com");
        var second = await PostAsync("billing", "B-2", "bo@example.org");

        Assert.Equal(first.CustomerId, first.PersonId);
        Assert.Equal(second.CustomerId, second.PersonId);
    }

    [Fact]
    public async Task NoEmail_IsItsOwnPerson()
    {
        var first = await PostAsync("webshop", "W-3", null);
        var second = await PostAsync("billing", "B-3", null);

        Assert.Equal(first.CustomerId, first.PersonId);
        Assert.Equal(second.CustomerId, second.PersonId);
    }

    [Fact]
    public async Task ManySourcesPostingTheSameEmailAtOnce_AllShareOnePerson()
    {
        var posted = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => PostAsync($"source{i}", "X", "race@example.com")));

        var person = Assert.Single(posted.Select(p => p.PersonId).Distinct());
        Assert.Contains(person, posted.Select(p => p.CustomerId));
    }

    [Fact]
    public async Task SameEmailTwiceInOneBatch_BothShareOnePerson_AndJoinAnExistingOne()
    {
        var batch = await _client.PostAsJsonAsync("/v1/customers/batch", new object[]
        {
            new { source = "crm", externalId = "1", email = "pair@example.com" },
            new { source = "pos", externalId = "1", email = "PAIR@example.com" },
        });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var a = await GetAsync(DeterministicGuid.ForCustomer("crm", "1"));
        var b = await GetAsync(DeterministicGuid.ForCustomer("pos", "1"));
        var later = await PostAsync("shop", "1", "pair@example.com");

        Assert.Equal(a.PersonId, b.PersonId);
        Assert.Contains(a.PersonId, new[] { a.CustomerId, b.CustomerId });
        Assert.Equal(a.PersonId, later.PersonId);
    }

    [Fact]
    public async Task LaterEmailChange_DoesNotUnlink()
    {
        var first = await PostAsync("webshop", "W-5", "moved@example.com");
        await PostAsync("billing", "B-5", "moved@example.com");

        var changed = await PostAsync("billing", "B-5", "new-address@example.com");

        Assert.Equal("new-address@example.com", changed.Email);
        Assert.Equal(first.CustomerId, changed.PersonId);
    }

    [Fact]
    public async Task GetPerson_Unknown_Returns404Problem()
    {
        var response = await _client.GetAsync($"/v1/persons/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<Posted> PostAsync(string source, string externalId, string? email)
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new { source, externalId, email });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Posted>())!;
    }

    private async Task<Posted> GetAsync(Guid customerId) => (await _client.GetFromJsonAsync<Posted>($"/v1/customers/{customerId}"))!;

    private sealed record Posted(Guid CustomerId, Guid PersonId, string? Email);
}

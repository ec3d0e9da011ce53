using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Campaigns.IntegrationTests.Dispatch;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Policy;

/// <summary><c>GET/PUT /v1/contact-policy</c>: a valid policy round-trips and sets the global control share (salt unchanged); a bad one is refused naming every bad field, with nothing written.</summary>
public sealed class ContactPolicyApiTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private DispatchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatchTestHost.StartAsync("campaigns-policy-api");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Put_StoresThePolicy_AndTheGlobalControlShare_KeepingTheSalt()
    {
        var salt = await _host.Host.ScalarAsync<Guid>("SELECT salt FROM global_control");
        var policy = new
        {
            frequencyCaps = new object[] { new { channel = (string?)null, maxContacts = 3, days = 30 }, new { channel = "outbound_call", maxContacts = 1, days = 14 } },
            quietHours = new Dictionary<string, object> { ["outbound_call"] = new { start = "20:30", end = "09:00" }, ["sms"] = new { start = "22:00", end = "08:00" } },
            timeZones = new
            {
                @default = "Europe/Berlin",
                countries = new Dictionary<string, string> { ["US"] = "America/New_York" },
                regions = new Dictionary<string, string> { ["US/CA"] = "America/Los_Angeles" },
            },
            dailyCapacity = new Dictionary<string, int> { ["outbound_call"] = 500 },
            globalControlShare = 0.05,
        };

        using var put = await _host.Client.PutAsJsonAsync("/v1/contact-policy", policy);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/contact-policy");

        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(policy, Web), JsonNode.Parse(stored.GetRawText())), stored.GetRawText());
        Assert.Equal((0.05, salt), (await _host.Host.QueryAsync<(double, Guid)>("SELECT share, salt FROM global_control"))[0]);
    }

    [Fact]
    public async Task Put_RefusesEveryBadField_AndWritesNothing()
    {
        var before = await _host.Client.GetStringAsync("/v1/contact-policy");
        var bad = new
        {
            frequencyCaps = new object?[] { new { channel = "fax", maxContacts = 0, days = 0 }, null },
            quietHours = new Dictionary<string, object> { ["email"] = new { start = "21:00", end = "08:00" }, ["sms"] = new { start = "25:00", end = "8" } },
            timeZones = new
            {
                @default = "Mars/Olympus",
                countries = new Dictionary<string, string> { ["de"] = "Europe/Berlin", ["FR"] = "Europe/Nowhere" },
                regions = new Dictionary<string, string> { ["USA"] = "America/Chicago" },
            },
            dailyCapacity = new Dictionary<string, int> { ["pigeon"] = 5, ["sms"] = -1 },
            globalControlShare = 0.5,
        };

        using var put = await _host.Client.PutAsJsonAsync("/v1/contact-policy", bad);

        await ProblemAssert.HasProblemAsync(put, HttpStatusCode.BadRequest,
            "frequencyCaps[0].channel", "frequencyCaps[0].maxContacts", "frequencyCaps[0].days", "frequencyCaps[1]",
            "quietHours.email", "quietHours.sms.start", "quietHours.sms.end", "timeZones.default", "timeZones.countries.de",
            "timeZones.countries.FR", "timeZones.regions.USA", "dailyCapacity.pigeon", "dailyCapacity.sms", "globalControlShare");
        Assert.Equal(before, await _host.Client.GetStringAsync("/v1/contact-policy"));
        Assert.Equal(0.0, await _host.Host.ScalarAsync<double>("SELECT share FROM global_control"));
    }

    [Fact]
    public async Task Put_RefusesUnknownProperties()
    {
        using var put = await _host.Client.PutAsync("/v1/contact-policy",
            new StringContent("""{"globalControlShare":0.1,"quietHour":{}}""", Encoding.UTF8, "application/json"));

        await ProblemAssert.HasProblemAsync(put, HttpStatusCode.BadRequest, "quietHour");
    }
}

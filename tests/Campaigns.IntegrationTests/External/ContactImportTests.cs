using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Campaigns.IntegrationTests.External;

/// <summary>An external campaign's contacts come from a CSV file after its assignments: all or nothing, recorded and published once.</summary>
public sealed class ContactImportTests : IAsyncLifetime
{
    private const string DispatchedExchange = "Platform.Contracts.Campaigns:ContactsDispatched";
    private ServiceTestHost<Program> _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceTestHost<Program>.StartAsync("campaigns-external-contacts", new ServiceTestHostOptions { OnLoopback = false });
        await _host.VirtualHost.ListenAsync(DispatchedExchange, "test-dispatched");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Contacts_AfterAssignments_AreRecordedWithTheMembersCells_PublishedOnce_AndControlContactsCounted()
    {
        var campaign = await AssignedCampaignAsync("EXT-C1", 1_200);
        var csv = new StringBuilder("source,external_id,channel,at,cost\n");
        for (var i = 1; i <= 1_200; i += 2) // the letter cell: even rows are letter, odd rows control (see AssignedCampaignAsync)
        {
            csv.Append(CultureInfo.InvariantCulture, $"shop,{i + 1},direct_mail,2026-03-02,0.85\n");
        }

        csv.Append("shop,1,email,2026-03-02T10:00:00Z,0.01\n"); // a control member contacted by mistake

        var response = await PostAsync(campaign, csv.ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(601, result.GetProperty("rows").GetInt32());
        Assert.Equal(1, result.GetProperty("contactsToControl").GetInt32());
        Assert.Equal(601L, await _host.ScalarAsync<long>("SELECT count(*) FROM contacts WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal(600L, await _host.ScalarAsync<long>("SELECT count(*) FROM contacts WHERE cell = 'letter' AND channel = 'direct_mail' AND cost = 0.85"));
        var published = new List<JsonElement>();
        await Eventually.TrueAsync(async () =>
        {
            published.AddRange((await _host.VirtualHost.TakeAsync("test-dispatched", 10)).Select(b => JsonDocument.Parse(b).RootElement.Clone()));
            return published.Sum(p => p.GetProperty("message").GetProperty("contacts").GetArrayLength()) >= 601;
        }, "601 contacts published");
        Assert.Equal(601, published.Sum(p => p.GetProperty("message").GetProperty("contacts").GetArrayLength()));

        var outboxBefore = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages");
        var again = await PostAsync(campaign, csv.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetBoolean());
        Assert.Equal(outboxBefore, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
        Assert.Equal(601L, await _host.ScalarAsync<long>("SELECT count(*) FROM contacts WHERE campaign_id = @campaign", new { campaign }));
    }

    [Fact]
    public async Task Contacts_WithBadRows_NameEveryError_AndRecordNothing()
    {
        var campaign = await AssignedCampaignAsync("EXT-C2", 10);
        await PostAsync(campaign, "source,external_id,channel,at,cost\nshop,2,email,2026-03-02,0.1\n");
        var before = await _host.ScalarAsync<long>("SELECT count(*) FROM contacts");
        const string Csv = """
            source,external_id,channel,at,cost,step
            shop,4,fax,2026-03-02,0.1,1
            shop,4,email,2026-13-02,0.1,1
            shop,6,email,2026-03-02,-1,1
            shop,999,email,2026-03-02,0.1,1
            shop,8,email,2026-03-02,0.1,1
            shop,8,sms,2026-03-03,0.1,1
            shop,2,sms,2026-03-02,0.1,1
            shop,10,email,2099-01-01,0.1,1
            """;

        var response = await PostAsync(campaign, Csv.Replace("\r", "", StringComparison.Ordinal));

        var problem = await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest,
            "rows[1].channel", "rows[2].at", "rows[3].cost", "rows[4].customer", "rows[6].step", "rows[7].step", "rows[8].at");
        Assert.Equal(7, problem.GetProperty("errorCount").GetInt32());
        Assert.Equal(before, await _host.ScalarAsync<long>("SELECT count(*) FROM contacts"));
    }

    [Fact]
    public async Task Contacts_BeforeAssignments_AreRefused()
    {
        var campaign = await ExternalCampaignTestData.AddCampaignAsync(_host, "EXT-C3", ["letter"]);

        await ProblemAssert.HasProblemAsync(await PostAsync(campaign, "customer_id,channel,at,cost\n"), HttpStatusCode.Conflict);
    }

    // Customers shop/1..n assigned alternately to control (odd) and letter (even).
    private async Task<Guid> AssignedCampaignAsync(string code, int members)
    {
        await _host.ExecuteAsync("DELETE FROM customers"); // each test adds its own shop customers
        await ExternalCampaignTestData.AddCustomersAsync(_host, "shop", members);
        var campaign = await ExternalCampaignTestData.AddCampaignAsync(_host, code, ["letter"]);
        var csv = new StringBuilder("source,external_id,cell\n");
        for (var i = 1; i <= members; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"shop,{i},{(i % 2 == 0 ? "letter" : "control")}\n");
        }

        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        (await _host.Client.PostAsync($"/v1/campaigns/{campaign}/assignments?startedAt=2026-03-01T00:00:00Z", content)).EnsureSuccessStatusCode();
        return campaign;
    }

    private async Task<HttpResponseMessage> PostAsync(Guid campaign, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        return await _host.Client.PostAsync($"/v1/campaigns/{campaign}/contacts", content);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Campaigns.Features.Design;
using Campaigns.Features.Dispatch;
using Platform.Testing;
using static Campaigns.IntegrationTests.Dispatch.DispatchTestHost;

namespace Campaigns.IntegrationTests.Dispatch;

/// <summary>Step jobs against the real database and scheduler: who is contacted, who is blocked and why, conditions, states, exports, erasure.</summary>
public sealed class StepExecutionTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private DispatchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatchTestHost.StartAsync("campaigns-dispatch");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Step_ContactsOnFirstReachableChannel_AndBlocksEveryOtherMemberWithItsReason()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c1", [Cell("a", Step(1, ["email", "sms"], cost: 0.5m))]));
        var byEmail = await _host.AddCustomerAsync();
        var bySms = await _host.AddCustomerAsync(email: null);
        var noConsent = await _host.AddCustomerAsync(consentEmail: false, consentSms: null);
        var noDetails = await _host.AddCustomerAsync(email: null, phone: null);
        var optedOut = await _host.AddCustomerAsync(consentSms: false);
        var control = await _host.AddCustomerAsync();
        foreach (var member in new[] { byEmail, bySms, noConsent, noDetails, optedOut })
        {
            await _host.AssignAsync(campaign, member, "a");
        }

        await _host.AssignAsync(campaign, control, CampaignDesign.ControlCell);
        await _host.AddResponseAsync("other-campaign", optedOut, "email", "opted-out");

        await _host.LaunchAsync(campaign);
        var contacts = (await _host.WaitForContactsAsync(campaign, 1, 5)).ToDictionary(c => c.CustomerId);
        var holdout = await _host.WaitForContactsAsync(campaign, 0, 1);

        Assert.Equal(("exported", "email", (string?)null, 0.5m), (contacts[byEmail].Status, contacts[byEmail].Channel, contacts[byEmail].BlockReason, contacts[byEmail].Cost));
        Assert.Equal(("exported", "sms", (string?)null), (contacts[bySms].Status, contacts[bySms].Channel, contacts[bySms].BlockReason));
        Assert.Equal(("blocked", ContactStatus.NoConsent, 0m), (contacts[noConsent].Status, contacts[noConsent].BlockReason!, contacts[noConsent].Cost));
        Assert.Equal(("blocked", ContactStatus.NoContactDetails), (contacts[noDetails].Status, contacts[noDetails].BlockReason!));
        Assert.Equal(("blocked", ContactStatus.OptedOut), (contacts[optedOut].Status, contacts[optedOut].BlockReason!));
        Assert.DoesNotContain(control, contacts.Keys);
        Assert.Equal((control, "blocked", ContactStatus.Control, (string?)null), (holdout[0].CustomerId, holdout[0].Status, holdout[0].BlockReason!, holdout[0].Channel));

        var published = await _host.PublishedContactsAsync(campaign);
        Assert.Equal(contacts.Values.Select(c => c.ContactId).Order(), published.Select(p => p.ContactId).Order());
        Assert.DoesNotContain(published, p => p.CustomerId == control);
        Assert.Equal(ContactIds.For(campaign, byEmail, 1), contacts[byEmail].ContactId);
        Assert.Equal("running", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));

        var blocks = await _host.Client.GetFromJsonAsync<List<BlockSummary>>($"/v1/campaigns/{campaign}/blocks", Web);
        Assert.Equal(
            [new("blocked", ContactStatus.Control, 0, 1), new("blocked", ContactStatus.NoConsent, 1, 1), new("blocked", ContactStatus.NoContactDetails, 1, 1), new("blocked", ContactStatus.OptedOut, 1, 1)],
            blocks!.OrderBy(b => b.Step).ThenBy(b => b.Reason, StringComparer.Ordinal));
        var paged = new List<ContactView>();
        for (var next = $"/v1/campaigns/{campaign}/contacts?limit=2"; next is not null;)
        {
            var page = await _host.Client.GetFromJsonAsync<JsonElement>(next, Web);
            paged.AddRange(page.GetProperty("items").Deserialize<List<ContactView>>(Web)!);
            next = page.GetProperty("next").GetString();
        }

        Assert.Equal((await _host.ContactsAsync(campaign)).Select(c => c.ContactId).Order(), paged.Select(c => c.ContactId).Order());
        using var badPage = await _host.Client.GetAsync($"/v1/campaigns/{campaign}/contacts?limit=0&status=lost");
        await ProblemAssert.HasProblemAsync(badPage, HttpStatusCode.BadRequest, "limit", "status");
    }

    [Fact]
    public async Task LaterStep_SkipsResponders_AndHonoursOptOutAfterScheduling()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c2", [Cell("a", Step(1, ["email"]), Step(2, ["email"], dayOffset: 2, condition: "no_response_yet"))]));
        var responder = await _host.AddCustomerAsync();
        var optsOut = await _host.AddCustomerAsync();
        var silent = await _host.AddCustomerAsync();
        var withdraws = await _host.AddCustomerAsync();
        foreach (var member in new[] { responder, optsOut, silent, withdraws })
        {
            await _host.AssignAsync(campaign, member, "a");
        }

        await _host.AddLaunchSnapshotAsync(campaign, responder, optsOut, silent, withdraws);
        await _host.LaunchAsync(campaign);
        Assert.All(await _host.WaitForContactsAsync(campaign, 1, 4), c => Assert.Equal("exported", c.Status));
        await _host.AddResponseAsync("c2", responder, "email", "converted");
        await _host.AddResponseAsync("c2", optsOut, "email", "opted-out");
        await _host.Host.ExecuteAsync("UPDATE customers SET consent_email = false, version = 2 WHERE customer_id = @withdraws", new { withdraws });

        _host.Clock.Advance(TimeSpan.FromDays(2));
        var second = (await _host.WaitForContactsAsync(campaign, 2, 4)).ToDictionary(c => c.CustomerId);
        Assert.Equal(("blocked", ContactStatus.OptedOut), (second[withdraws].Status, second[withdraws].BlockReason!));

        Assert.Equal(("skipped", ContactStatus.Responded), (second[responder].Status, second[responder].BlockReason!));
        Assert.Equal(("blocked", ContactStatus.OptedOut), (second[optsOut].Status, second[optsOut].BlockReason!));
        Assert.Equal(("exported", (string?)null), (second[silent].Status, second[silent].BlockReason));
        Assert.DoesNotContain(await _host.PublishedContactsAsync(campaign), p => p.Step == 2 && p.CustomerId == responder);
    }

    [Fact]
    public async Task NotReachedStep_SkipsMembersThePreviousContactReached()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c3", [Cell("a", Step(1, ["direct_mail"]), Step(2, ["outbound_call"], dayOffset: 1, condition: "not_reached"))]));
        var reached = await _host.AddCustomerAsync();
        var notReached = await _host.AddCustomerAsync();
        await _host.AssignAsync(campaign, reached, "a");
        await _host.AssignAsync(campaign, notReached, "a");

        await _host.LaunchAsync(campaign);
        await _host.WaitForContactsAsync(campaign, 1, 2);
        await _host.AddResponseAsync("c3", reached, "mail", "delivered");
        await _host.AddResponseAsync("c3", notReached, "email", "delivered"); // another channel: not the mailing's delivery
        _host.Clock.Advance(TimeSpan.FromDays(1));
        var second = (await _host.WaitForContactsAsync(campaign, 2, 2)).ToDictionary(c => c.CustomerId);

        Assert.Equal(("skipped", ContactStatus.Reached), (second[reached].Status, second[reached].BlockReason!));
        Assert.Equal(("exported", "outbound_call"), (second[notReached].Status, second[notReached].Channel!));
    }

    [Fact]
    public async Task Budget_StopsContactsThatWouldExceedIt()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c4", [Cell("a", Step(1, ["email"], cost: 1m))], budget: 2m));
        var members = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(await _host.AddCustomerAsync());
            await _host.AssignAsync(campaign, members[^1], "a", clv: 100 - i);
        }

        await _host.LaunchAsync(campaign);
        var contacts = (await _host.WaitForContactsAsync(campaign, 1, 3)).ToDictionary(c => c.CustomerId);

        Assert.Equal("exported", contacts[members[0]].Status);
        Assert.Equal("exported", contacts[members[1]].Status);
        Assert.Equal(("blocked", ContactStatus.Budget), (contacts[members[2]].Status, contacts[members[2]].BlockReason!));
        Assert.Equal(2m, contacts.Values.Sum(c => c.Cost));
    }

    [Fact]
    public async Task Cancel_StopsFutureSteps_AndPublishesCancelledOnce()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c5", [Cell("a", Step(1, ["email"]), Step(2, ["email"], dayOffset: 3))]));
        var member = await _host.AddCustomerAsync();
        await _host.AssignAsync(campaign, member, "a");
        await _host.LaunchAsync(campaign);
        await _host.WaitForContactsAsync(campaign, 1, 1);

        using (var cancel = await _host.Client.PostAsync($"/v1/campaigns/{campaign}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        using (var again = await _host.Client.PostAsync($"/v1/campaigns/{campaign}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        _host.Clock.Advance(TimeSpan.FromDays(3));
        await Eventually.TrueAsync(
            async () => await _host.Host.ScalarAsync<string>("SELECT status FROM jobs WHERE unique_key = @key", new { key = new StepJob(campaign, 1, "a", 2).Key }) == "succeeded",
            "the second step's job done");

        Assert.Empty(await _host.ContactsAsync(campaign, 2));
        Assert.Equal("cancelled", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
        Assert.Equal(1, await CompletedEventsAsync(campaign, "cancelled"));
        using var completed = await _host.Client.PostAsync($"/v1/campaigns/{Guid.NewGuid()}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, completed.StatusCode);
    }

    [Fact]
    public async Task Campaign_RunsThenCompletesWhenTheLastResponseWindowCloses()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c6", [Cell("a", Step(1, ["email"]), Step(2, ["email"], dayOffset: 1))], responseWindowDays: 5));
        var member = await _host.AddCustomerAsync();
        await _host.AssignAsync(campaign, member, "a");
        await _host.LaunchAsync(campaign);
        Assert.Equal("scheduled", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
        await _host.WaitForContactsAsync(campaign, 1, 1);
        Assert.Equal("running", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));

        _host.Clock.Advance(TimeSpan.FromDays(1));
        await _host.WaitForContactsAsync(campaign, 2, 1);
        _host.Clock.Advance(TimeSpan.FromDays(5));
        await Eventually.TrueAsync(async () => await CompletedEventsAsync(campaign, "completed") == 1, "CampaignCompleted");

        Assert.Equal("completed", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
        await _host.LaunchAsync(campaign); // a repeated call changes nothing
        Assert.Equal("completed", await _host.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
    }

    [Fact]
    public async Task Exports_EqualTheRecordedContactsOfTheStep()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c7", [Cell("a", Step(1, ["direct_mail"]), Step(2, ["outbound_call"]))]));
        var members = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            members.Add(await _host.AddCustomerAsync(address: i == 3 ? null : $"Weg {i}", firstName: $"N{i}"));
            await _host.AssignAsync(campaign, members[^1], "a");
        }

        await _host.LaunchAsync(campaign);
        var mail = await _host.WaitForContactsAsync(campaign, 1, 4);
        var calls = await _host.WaitForContactsAsync(campaign, 2, 4);

        var mailCsv = await ReadCsvAsync($"/v1/campaigns/{campaign}/steps/1/export.csv");
        var callCsv = await ReadCsvAsync($"/v1/campaigns/{campaign}/steps/2/export.csv?wave=1");

        Assert.Equal(mail.Where(c => c.Status == "exported").Select(c => c.ContactId.ToString()).Order(), mailCsv.Select(r => r["contact_id"]).Order());
        Assert.Equal(3, mailCsv.Count);
        Assert.All(mailCsv, r => Assert.StartsWith("Weg ", r["address_line"], StringComparison.Ordinal));
        Assert.All(mailCsv, r => Assert.Equal("10115", r["postal_code"]));
        Assert.All(mailCsv, r => Assert.Equal("", r["phone"]));
        Assert.Equal(calls.Select(c => c.ContactId.ToString()).Order(), callCsv.Select(r => r["contact_id"]).Order());
        Assert.All(callCsv, r => Assert.Equal(("+4930123456", "", "UTC"), (r["phone"], r["address_line"], r["time_zone"])));
        Assert.Empty(await ReadCsvAsync($"/v1/campaigns/{campaign}/steps/2/export.csv?wave=2"));
    }

    [Fact]
    public async Task Erasure_KeepsAnonymousContactsWithTheirCosts()
    {
        var campaign = await _host.AddCampaignAsync(NewDesign("c8", [Cell("a", Step(1, ["email"], cost: 2m))]));
        var erased = await _host.AddCustomerAsync();
        var kept = await _host.AddCustomerAsync();
        await _host.AssignAsync(campaign, erased, "a");
        await _host.AssignAsync(campaign, kept, "a");
        await _host.LaunchAsync(campaign);
        await _host.WaitForContactsAsync(campaign, 1, 2);

        await using (var connection = await _host.Host.Database.OpenAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await ContactsEraser.EraseCustomerAsync(tx, erased, CancellationToken.None);
            await tx.CommitAsync();
        }

        var after = await _host.ContactsAsync(campaign, 1);
        Assert.Equal(2, after.Count);
        Assert.Equal(4m, after.Sum(c => c.Cost));
        Assert.DoesNotContain(after, c => c.CustomerId == erased);
        Assert.Contains(after, c => c.CustomerId == kept);
        Assert.Contains(after, c => c.ContactId == ContactIds.For(campaign, erased, 1));
    }

    private Task<long> CompletedEventsAsync(Guid campaign, string status) => _host.Host.ScalarAsync<long>("""
        SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.CampaignCompleted,%'
          AND body->>'campaignId' = @campaign::text AND body->>'status' = @status
        """, new { campaign, status });

    private async Task<List<Dictionary<string, string>>> ReadCsvAsync(string path)
    {
        using var response = await _host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',').Select((v, i) => (header[i], v)).ToDictionary(p => p.Item1, p => p.v)).ToList();
    }
}

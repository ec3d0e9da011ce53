using Campaigns.Features.Dispatch;
using Campaigns.Features.Policy;
using Campaigns.IntegrationTests.Dispatch;
using Platform.Testing;
using static Campaigns.IntegrationTests.Dispatch.DispatchTestHost;

namespace Campaigns.IntegrationTests.Policy;

/// <summary>
/// The contact policy applied by real step jobs: global control, frequency caps across campaigns, quiet hours in the
/// customer's zone (deferred, then contacted) and daily capacity (the rest roll over, highest value first). The clock
/// starts on 2026-12-01 at 22:00 UTC (23:00 in Berlin).
/// </summary>
public sealed class ContactPolicyRulesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);

    private DispatchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatchTestHost.StartAsync("campaigns-policy", Start);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GlobalAndCampaignControl_AreNeverContacted()
    {
        await _host.SetPolicyAsync(new { globalControlShare = 0.3 });
        var global = await _host.Host.QueryAsync<GlobalControl>("SELECT share, salt FROM global_control");
        var campaign = await _host.AddCampaignAsync(NewDesign("g1", [Cell("a", Step(1, ["email"]))]));
        var treated = new List<Guid>();
        var held = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var customer = await _host.AddCustomerAsync();
            var cell = i % 4 == 0 ? "control" : i % 4 == 1 ? "global_control" : "a";
            await _host.AssignAsync(campaign, customer, cell);
            (cell == "a" ? treated : held).Add(customer);
        }

        await _host.LaunchAsync(campaign);
        var step = (await _host.WaitForContactsAsync(campaign, 1, treated.Count)).ToDictionary(c => c.CustomerId);
        var holdout = await _host.WaitForContactsAsync(campaign, 0, held.Count);

        // Members of a treatment cell who are in the global control group now (the share may have grown since launch) are held out too.
        var inGlobal = treated.Where(global[0].Contains).ToList();
        Assert.NotEmpty(inGlobal);
        Assert.All(inGlobal, c => Assert.Equal(("blocked", ContactStatus.GlobalControl), (step[c].Status, step[c].BlockReason!)));
        Assert.All(treated.Except(inGlobal), c => Assert.Equal("exported", step[c].Status));
        Assert.Equal(held.Order(), holdout.Select(h => h.CustomerId).Order());
        Assert.All(holdout, h => Assert.Equal(("blocked", h.Cell, 0m), (h.Status, h.BlockReason!, h.Cost)));
        var contacted = (await _host.ContactsAsync(campaign)).Where(c => c.Status is "exported" or "dispatched").Select(c => c.CustomerId).ToHashSet();
        Assert.Empty(contacted.Intersect(held));
        Assert.Empty(contacted.Intersect(inGlobal));
    }

    [Fact]
    public async Task FrequencyCap_CountsContactsOfAllCampaigns()
    {
        await _host.SetPolicyAsync(new
        {
            globalControlShare = 0,
            frequencyCaps = new object[] { new { channel = (string?)null, maxContacts = 1, days = 7 }, new { channel = "sms", maxContacts = 5, days = 30 } },
        });
        var first = await _host.AddCampaignAsync(NewDesign("f1", [Cell("a", Step(1, ["email"]))]));
        var second = await _host.AddCampaignAsync(NewDesign("f2", [Cell("a", Step(1, ["sms"]))]));
        var both = await _host.AddCustomerAsync();
        var onlySecond = await _host.AddCustomerAsync();
        await _host.AssignAsync(first, both, "a");
        await _host.AssignAsync(second, both, "a");
        await _host.AssignAsync(second, onlySecond, "a");

        await _host.LaunchAsync(first);
        await _host.WaitForContactsAsync(first, 1, 1);
        await _host.LaunchAsync(second);
        var contacts = (await _host.WaitForContactsAsync(second, 1, 2)).ToDictionary(c => c.CustomerId);

        Assert.Equal(("blocked", ContactStatus.FrequencyCap, "sms"), (contacts[both].Status, contacts[both].BlockReason!, contacts[both].Channel!));
        Assert.Equal("exported", contacts[onlySecond].Status);
    }

    [Fact]
    public async Task QuietHours_DeferCallsToTheNextAllowedLocalTime()
    {
        await _host.SetPolicyAsync(new
        {
            globalControlShare = 0,
            quietHours = new Dictionary<string, object> { ["outbound_call"] = new { start = "21:00", end = "08:00" } },
            timeZones = new { @default = "UTC", countries = new Dictionary<string, string> { ["DE"] = "Europe/Berlin" }, regions = new Dictionary<string, string> { ["US/CA"] = "America/Los_Angeles" } },
        });
        var campaign = await _host.AddCampaignAsync(NewDesign("q1", [Cell("a", Step(1, ["outbound_call"]))]));
        var berlin = await _host.AddCustomerAsync(country: "DE");
        var california = await _host.AddCustomerAsync(country: "US", region: "CA"); // 14:00 there: not quiet
        await _host.AssignAsync(campaign, berlin, "a");
        await _host.AssignAsync(campaign, california, "a");

        await _host.LaunchAsync(campaign);
        await _host.WaitForContactsAsync(campaign, 1, 1);
        var deferral = await Eventually.ValueAsync(async () => (await Deferrals(campaign)).FirstOrDefault(), "the quiet-hours deferral");

        Assert.Equal((berlin, ContactStatus.QuietHours), (deferral.CustomerId, deferral.Reason));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero), deferral.NotBefore); // 08:00 in Berlin
        Assert.Equal([california], (await _host.ContactsAsync(campaign, 1)).Select(c => c.CustomerId));

        _host.Clock.Advance(TimeSpan.FromHours(9));
        var contacts = (await _host.WaitForContactsAsync(campaign, 1, 2)).ToDictionary(c => c.CustomerId);
        Assert.Equal(("exported", new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero)), (contacts[berlin].Status, contacts[berlin].At));
        var blocks = await _host.Host.QueryAsync<BlockSummary>("SELECT 'deferred' AS Outcome, reason, step, count(*) AS Count FROM contact_deferrals WHERE campaign_id = @campaign GROUP BY reason, step", new { campaign });
        Assert.Equal([new BlockSummary("deferred", ContactStatus.QuietHours, 1, 1)], blocks);
    }

    [Fact]
    public async Task Capacity_RollsTheRestToTheNextDay_HighestValueFirst()
    {
        await _host.SetPolicyAsync(new { globalControlShare = 0, dailyCapacity = new Dictionary<string, int> { ["direct_mail"] = 2 }, timeZones = new { @default = "Europe/Berlin" } });
        var campaign = await _host.AddCampaignAsync(NewDesign("k1", [Cell("a", Step(1, ["direct_mail"]))]));
        var byValue = new List<Guid>(); // highest value first
        (double? Clv, decimal Revenue)[] values = [(500, 0), (300, 10), (300, 5), (null, 900), (null, 100)];
        var members = new Dictionary<Guid, int>();
        for (var i = 0; i < values.Length; i++)
        {
            var customer = await _host.AddCustomerAsync();
            members[customer] = i;
            byValue.Add(customer);
        }

        foreach (var (customer, i) in members.OrderBy(_ => Guid.NewGuid()))
        {
            await _host.AssignAsync(campaign, customer, "a", clv: values[i].Clv, netRevenue: values[i].Revenue);
        }

        await _host.LaunchAsync(campaign);
        await _host.WaitForContactsAsync(campaign, 1, 2);
        await Eventually.TrueAsync(async () => (await Deferrals(campaign)).Count == 3, "three members rolled over");
        Assert.Equal(byValue.Take(2).Order(), (await _host.ContactsAsync(campaign, 1)).Select(c => c.CustomerId).Order());
        Assert.All(await Deferrals(campaign), d => Assert.Equal((ContactStatus.Capacity, new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero)), (d.Reason, d.NotBefore)));

        _host.Clock.Advance(TimeSpan.FromHours(1)); // midnight in Berlin
        await _host.WaitForContactsAsync(campaign, 1, 4);
        Assert.Equal(byValue.Take(4).Order(), (await _host.ContactsAsync(campaign, 1)).Select(c => c.CustomerId).Order());

        _host.Clock.Advance(TimeSpan.FromDays(1));
        var all = await _host.WaitForContactsAsync(campaign, 1, 5);
        Assert.All(all, c => Assert.Equal("exported", c.Status));
        Assert.Equal(3 + 1, (await Deferrals(campaign)).Count);
    }

    private Task<List<DeferralRow>> Deferrals(Guid campaign) => _host.Host.QueryAsync<DeferralRow>(
        "SELECT customer_id AS CustomerId, reason, not_before AS NotBefore FROM contact_deferrals WHERE campaign_id = @campaign ORDER BY id", new { campaign });

    private sealed record DeferralRow(Guid CustomerId, string Reason, DateTimeOffset NotBefore);
}

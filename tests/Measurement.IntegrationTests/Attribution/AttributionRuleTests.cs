using Platform.Testing;
using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>The attribution rule on stored facts: windows, every derived column, returns, offers, the per-contacted split, overlap.</summary>
public sealed class AttributionRuleTests : IAsyncLifetime
{
    private MeasurementTestHost _host = null!;
    private AttributionDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _host = await MeasurementTestHost.StartAsync("attribution-rule");
        _driver = new AttributionDriver(_host);
    }

    public async Task DisposeAsync()
    {
        _driver.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Member_OutcomesCountInsideTheWindowFromFirstContact_OrFromWaveStart()
    {
        var campaign = Guid.NewGuid();
        var code = "WIN-" + campaign.ToString("N")[..6];
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var ws = WaveStart;

        await _driver.SendAsync(Campaign(campaign, code, windowDays: 30));
        await _driver.SendAsync(Assigned(campaign, Member(a, "mail", preRevenue: 100, tier: "top"), Member(b, "control", preRevenue: 50), Member(c, "mail", preRevenue: 10)));
        await _driver.SendAsync(Contacts(campaign,
            Contact(a, ws.AddDays(2), step: 1, cost: 0.5m),
            Contact(a, ws.AddDays(5), step: 2, status: "blocked"),
            Contact(c, ws.AddDays(2), step: 1, status: "blocked")));
        await _driver.SendAsync(Purchases(
            Purchase(a, ws.AddDays(1), 500),                                                   // after the wave start, before the first contact: ignored
            Purchase(a, ws.AddDays(10), 100, discount: 10, cost: 50, promotion: "SAVE10"),     // net 90, margin 40, redeems the offer
            Purchase(a, ws.AddDays(20), -30, isReturn: true),                                  // a return subtracts (margin too)
            Purchase(a, ws.AddDays(32), 50),                                                   // at window_end: outside (end exclusive)
            Purchase(a, ws.AddDays(100), 20),                                                  // 98 days after window_start: active after 90
            Purchase(b, ws.AddHours(-1), 70),                                                  // before the control's window
            Purchase(b, ws.AddDays(29), 40, promotion: "SAVE10"),                              // control has no offer: not a redemption
            Purchase(c, ws.AddDays(1), 25, cost: 5)));                                         // never contacted: window from the wave start
        await _driver.SendAsync(Responses(
            Response(a, code, "opened", ws.AddDays(3)),
            Response(a, code, "clicked", ws.AddDays(4)),
            Response(a, "OTHER", "converted", ws.AddDays(4)),
            Response(b, code, "delivered", ws.AddDays(40))));                                  // outside b's window

        var rowA = await MemberAsync(campaign, a);
        Assert.Equal((ws.AddDays(2), ws.AddDays(32)), (rowA.WindowStart, rowA.WindowEnd));
        Assert.Equal((true, 1, 1, true, true, true, true), (rowA.Contacted, rowA.ContactedSteps, rowA.RespondedSteps, rowA.Reached, rowA.Responded, rowA.Converted, rowA.Redeemed));
        Assert.Equal((1, 60m, 10m, 0.5m, 4m, true), (rowA.Orders, rowA.Revenue, rowA.Margin, rowA.ContactCost, rowA.OfferCost, rowA.ActiveAfter90));
        Assert.Equal(ws.AddDays(10), rowA.FirstPurchaseAt);

        var rowB = await MemberAsync(campaign, b);
        Assert.Equal((ws, ws.AddDays(30)), (rowB.WindowStart, rowB.WindowEnd));
        Assert.Equal((false, false, false, true, false), (rowB.Contacted, rowB.Reached, rowB.Responded, rowB.Converted, rowB.Redeemed));
        Assert.Equal((1, 40m, 40m, 0m, 0m, false), (rowB.Orders, rowB.Revenue, rowB.Margin, rowB.ContactCost, rowB.OfferCost, rowB.ActiveAfter90));

        var rowC = await MemberAsync(campaign, c);
        Assert.Equal((ws, false, 0, 1, 25m, 20m, false), (rowC.WindowStart, rowC.Contacted, rowC.ContactedSteps, rowC.Orders, rowC.Revenue, rowC.Margin, rowC.Redeemed));

        // The per-contacted split: mail holds one contacted and one never contacted member; intent to treat sums both.
        var stats = await _host.Host.QueryAsync<(string Cell, string Tier, bool Contacted, long Members, decimal Profit, decimal Cost, long Redeemers, decimal XSum)>(
            "SELECT cell, value_tier, contacted, members, profit_sum, cost_sum, redeemers, x_sum FROM cell_stats WHERE campaign_id = @campaign AND members <> 0 ORDER BY cell, contacted",
            new { campaign });
        Assert.Equal(
            [("control", "", false, 1L, 40m, 0m, 0L, 50m), ("mail", "", false, 1L, 20m, 0m, 0L, 10m), ("mail", "top", true, 1L, 5.5m, 4.5m, 1L, 100m)],
            stats.Select(s => (s.Cell, s.Tier, s.Contacted, s.Members, s.Profit, s.Cost, s.Redeemers, s.XSum)));
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT responders FROM step_responders WHERE campaign_id = @campaign AND step = 1", new { campaign }));
        Assert.Equal("1:blocked:no_consent:1:0,1:dispatched::1:0.5,2:blocked:no_consent:1:0", await _host.Host.ScalarAsync<string>(
            "SELECT string_agg(step || ':' || status || ':' || block_reason || ':' || contacts || ':' || cost_sum, ',' ORDER BY step, status) FROM step_stats WHERE campaign_id = @campaign", new { campaign }));
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }

    [Fact]
    public async Task ConvertedResponse_ConvertsAndRedeems_EvenWithoutAPurchase()
    {
        var campaign = Guid.NewGuid();
        var code = "CONV-" + campaign.ToString("N")[..6];
        var a = Guid.NewGuid();
        await _driver.SendAsync(Campaign(campaign, code));
        await _driver.SendAsync(Assigned(campaign, Member(a, "mail")));
        await _driver.SendAsync(Contacts(campaign, Contact(a, WaveStart.AddHours(1))));
        await _driver.SendAsync(Responses(Response(a, code, "converted", WaveStart.AddDays(2))));

        var row = await MemberAsync(campaign, a);
        Assert.Equal((true, true, true, 0, 4m, 0.5m), (row.Converted, row.Redeemed, row.Responded, row.Orders, row.OfferCost, row.ContactCost));
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }

    [Fact]
    public async Task CustomerInTwoOverlappingCampaigns_CountsInEach_AgainstItsOwnWindow()
    {
        Guid x = Guid.NewGuid(), y = Guid.NewGuid(), customer = Guid.NewGuid();
        string codeX = "OVX-" + x.ToString("N")[..6], codeY = "OVY-" + y.ToString("N")[..6];
        await _driver.SendAsync(Campaign(x, codeX));
        await _driver.SendAsync(Campaign(y, codeY));
        await _driver.SendAsync(Assigned(x, Member(customer, "control")));
        await _driver.SendAsync(Assigned(y, Member(customer, "mail")));
        await _driver.SendAsync(Contacts(y, Contact(customer, WaveStart.AddDays(5))));
        await _driver.SendAsync(Purchases(Purchase(customer, WaveStart.AddDays(3), 30), Purchase(customer, WaveStart.AddDays(6), 70)));

        Assert.Equal(100m, (await MemberAsync(x, customer)).Revenue); // the control's window opens at the wave start
        Assert.Equal(70m, (await MemberAsync(y, customer)).Revenue);  // the treated window opens at the contact
        Assert.Equal(100m, await _host.Host.ScalarAsync<decimal>("SELECT revenue_sum FROM cell_stats WHERE campaign_id = @x AND cell = 'control'", new { x }));
        Assert.Equal(70m, await _host.Host.ScalarAsync<decimal>("SELECT revenue_sum FROM cell_stats WHERE campaign_id = @y AND cell = 'mail' AND contacted", new { y }));

        // Targeted from the earliest window (the control's wave start): both purchases since then.
        Assert.Equal((false, WaveStart, 100m, 2), (await _host.Host.QueryAsync<(bool, DateTimeOffset, decimal, int)>(
            "SELECT global_control, first_targeted_at, revenue, orders FROM targeted_customers WHERE customer_id = @customer", new { customer })).Single());
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }

    [Fact]
    public async Task GlobalControl_OnlyWhenHeldOutOfEveryCampaign()
    {
        Guid x = Guid.NewGuid(), y = Guid.NewGuid(), held = Guid.NewGuid(), once = Guid.NewGuid();
        await _driver.SendAsync(Campaign(x, "GCX-" + x.ToString("N")[..6]));
        await _driver.SendAsync(Campaign(y, "GCY-" + y.ToString("N")[..6], waveStart: WaveStart.AddDays(-10)));
        await _driver.SendAsync(Assigned(x, Member(held, "global_control", globalControl: true, preRevenue: 5), Member(once, "global_control", globalControl: true, preRevenue: 7)));
        await _driver.SendAsync(Assigned(y, Member(held, "global_control", globalControl: true, preRevenue: 3), Member(once, "control", preRevenue: 9)));
        await _driver.SendAsync(Purchases(Purchase(held, WaveStart.AddDays(-5), 11), Purchase(once, WaveStart.AddDays(-20), 13)));

        var rows = await _host.Host.QueryAsync<(Guid Customer, bool GlobalControl, DateTimeOffset First, decimal Pre, decimal Revenue, bool Buyer)>(
            "SELECT customer_id, global_control, first_targeted_at, pre_revenue, revenue, buyer FROM targeted_customers WHERE customer_id IN (@held, @once)", new { held, once });
        Assert.Contains((held, true, WaveStart.AddDays(-10), 3m, 11m, true), rows);  // earliest membership (y) gives the covariate
        Assert.Contains((once, false, WaveStart.AddDays(-10), 9m, 0m, false), rows); // bought before being targeted
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }

    private async Task<MemberRow> MemberAsync(Guid campaign, Guid customer) => (await _host.Host.QueryAsync<MemberRow>(
        """
        SELECT window_start AS WindowStart, window_end AS WindowEnd, contacted AS Contacted, contacted_steps AS ContactedSteps,
               responded_steps AS RespondedSteps, reached AS Reached, responded AS Responded, converted AS Converted, redeemed AS Redeemed,
               orders AS Orders, revenue AS Revenue, margin AS Margin, contact_cost AS ContactCost, offer_cost AS OfferCost,
               first_purchase_at AS FirstPurchaseAt, active_after_90 AS ActiveAfter90
        FROM members WHERE campaign_id = @campaign AND customer_id = @customer
        """, new { campaign, customer })).Single();

    private sealed record MemberRow
    {
        public DateTimeOffset? WindowStart { get; init; }
        public DateTimeOffset? WindowEnd { get; init; }
        public bool Contacted { get; init; }
        public int ContactedSteps { get; init; }
        public int RespondedSteps { get; init; }
        public bool Reached { get; init; }
        public bool Responded { get; init; }
        public bool Converted { get; init; }
        public bool Redeemed { get; init; }
        public int Orders { get; init; }
        public decimal Revenue { get; init; }
        public decimal Margin { get; init; }
        public decimal ContactCost { get; init; }
        public decimal OfferCost { get; init; }
        public DateTimeOffset? FirstPurchaseAt { get; init; }
        public bool ActiveAfter90 { get; init; }
    }
}

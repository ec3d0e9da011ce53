using MassTransit;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Ingestion;
using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>
/// The same facts in any order, repeated or redelivered, give the same members and statistics; after every message the
/// maintained statistics equal their recomputation from the members.
/// </summary>
public sealed class OrderAndRedeliveryTests : IAsyncLifetime
{
    private MeasurementTestHost _first = null!;
    private MeasurementTestHost _second = null!;

    public async Task InitializeAsync()
    {
        _first = await MeasurementTestHost.StartAsync("attribution-order-a");
        _second = await MeasurementTestHost.StartAsync("attribution-order-b");
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AnyOrderWithDuplicates_GivesTheSameOutcome_AndConsistentStatisticsAfterEveryMessage(int seed)
    {
        var events = RandomScenario.Events(seed);
        var random = new Random(seed * 7919);
        using var a = new AttributionDriver(_first);
        using var b = new AttributionDriver(_second);

        // First database: as produced, every message checked. Second: shuffled, some messages delivered twice (same
        // message id: the inbox), and every assignment batch and every batch of orders also published anew under another
        // message id (past the inbox: each purchase is kept once by its key, customer, instant and transaction id).
        foreach (var e in events)
        {
            await a.SendAsync(e);
            await StatisticsCheck.AssertConsistentAsync(_first.Host);
        }

        var shuffled = events.OrderBy(_ => random.Next()).ToList();
        foreach (var e in shuffled)
        {
            var id = NewId.NextGuid();
            await b.SendAsync(e, id);
            if (random.Next(3) == 0)
            {
                await b.SendAsync(e, id);
            }

            if (e is CustomersAssigned batch)
            {
                await b.SendAsync(batch with { Assignments = [.. batch.Assignments] });
            }

            if (e is TransactionsRecorded orders)
            {
                await b.SendAsync(orders with { Transactions = [.. orders.Transactions] });
            }
        }

        await StatisticsCheck.AssertConsistentAsync(_second.Host);
        Assert.Equal(await DerivedTables.OfAsync(_first.Host), await DerivedTables.OfAsync(_second.Host));
        Assert.True(await _first.Host.ScalarAsync<bool>("""
            SELECT count(*) FILTER (WHERE revenue <> 0) > 0 AND count(*) FILTER (WHERE responded) > 0 AND count(*) FILTER (WHERE contacted) > 0
               AND count(*) FILTER (WHERE redeemed) > 0
            FROM members WHERE window_start IS NOT NULL
            """), "the scenario exercises outcomes");
    }

    [Fact]
    public async Task FactsBeforeTheCampaignAndItsMembers_AreAttributedWhenTheyArrive()
    {
        using var driver = new AttributionDriver(_first);
        var campaign = Guid.NewGuid();
        var code = "LATE-" + campaign.ToString("N")[..6];
        var customer = Guid.NewGuid();
        await driver.SendAsync(Purchases(Purchase(customer, WaveStart.AddDays(4), 80, promotion: "SAVE10")));
        await driver.SendAsync(Responses(Response(customer, code, "clicked", WaveStart.AddDays(3))));
        await driver.SendAsync(Contacts(campaign, Contact(customer, WaveStart.AddDays(1))));
        await driver.SendAsync(new CampaignCompleted { CampaignId = campaign, Status = "completed", At = WaveStart.AddDays(90) });
        await driver.SendAsync(Assigned(campaign, Member(customer, "mail")));
        Assert.Equal(0L, await _first.Host.ScalarAsync<long>("SELECT count(*) FROM members WHERE campaign_id = @campaign AND window_start IS NOT NULL", new { campaign }));

        await driver.SendAsync(Campaign(campaign, code));

        Assert.Equal((true, true, true, 80m, 1),
            (await _first.Host.QueryAsync<(bool, bool, bool, decimal, int)>(
                "SELECT responded, redeemed, contacted, revenue, responded_steps FROM members WHERE campaign_id = @campaign", new { campaign })).Single());
        Assert.Equal("completed", await _first.Host.ScalarAsync<string>("SELECT status FROM campaigns WHERE id = @campaign", new { campaign }));
        await StatisticsCheck.AssertConsistentAsync(_first.Host);
    }
}

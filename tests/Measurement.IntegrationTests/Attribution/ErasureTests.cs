using Platform.Contracts.Ingestion;
using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>An erased customer's facts go and never come back; their memberships stay as anonymous rows, statistics unchanged.</summary>
public sealed class ErasureTests : IAsyncLifetime
{
    private MeasurementTestHost _host = null!;
    private AttributionDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _host = await MeasurementTestHost.StartAsync("attribution-erasure");
        _driver = new AttributionDriver(_host);
    }

    public async Task DisposeAsync()
    {
        _driver.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Erasure_DeletesFactsAnonymizesMembers_KeepsStatistics_AndRefusesLaterFacts()
    {
        var campaign = Guid.NewGuid();
        var code = "ERA-" + campaign.ToString("N")[..6];
        Guid erased = Guid.NewGuid(), kept = Guid.NewGuid();
        await _driver.SendAsync(Campaign(campaign, code));
        await _driver.SendAsync(Assigned(campaign, Member(erased, "mail", preRevenue: 30), Member(kept, "control")));
        await _driver.SendAsync(Contacts(campaign, Contact(erased, WaveStart.AddDays(1))));
        await _driver.SendAsync(Responses(Response(erased, code, "clicked", WaveStart.AddDays(2))));
        await _driver.SendAsync(Purchases(Purchase(erased, WaveStart.AddDays(3), 90, promotion: "SAVE10")));
        await _driver.SendAsync(new Platform.Contracts.Segmentation.CustomersScored
        {
            RunId = Guid.NewGuid(), RunNumber = 1, AsOf = WaveStart, BatchNumber = 1, BatchCount = 1,
            Scores = [new Platform.Contracts.Segmentation.CustomerScore { CustomerId = erased, DealSeeker = true, Orders = 3 }],
        });
        var statsBefore = await DerivedTables.OfAsync(_host.Host);
        var outcome = await _host.Host.ScalarAsync<string>("SELECT concat_ws(',', window_start, contacted, responded, redeemed, revenue, offer_cost) FROM members WHERE customer_id = @erased", new { erased });

        await _driver.SendAsync(new CustomerErased { CustomerId = erased, ErasedAt = WaveStart.AddDays(5) });
        // Facts that arrive later are not kept, and change nothing.
        await _driver.SendAsync(Purchases(Purchase(erased, WaveStart.AddDays(6), 500)));
        await _driver.SendAsync(Responses(Response(erased, code, "converted", WaveStart.AddDays(6))));
        await _driver.SendAsync(Contacts(campaign, Contact(erased, WaveStart.AddDays(6), step: 2)));

        foreach (var table in new[] { "purchases", "responses", "contacts", "customer_scores", "members", "targeted_customers" })
        {
            Assert.Equal(0L, await _host.Host.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE customer_id = @erased", new { erased }));
        }

        Assert.Equal(outcome, await _host.Host.ScalarAsync<string>(
            "SELECT concat_ws(',', window_start, contacted, responded, redeemed, revenue, offer_cost) FROM members WHERE campaign_id = @campaign AND anonymized", new { campaign }));
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM targeted_customers WHERE anonymized"));
        var statsAfter = await DerivedTables.OfAsync(_host.Host);
        Assert.Equal(Statistics(statsBefore), Statistics(statsAfter));
        await StatisticsCheck.AssertConsistentAsync(_host.Host);

        // An assignment of the erased customer arriving afterwards is stored anonymously, counted once, with no facts.
        var other = Guid.NewGuid();
        await _driver.SendAsync(Campaign(other, "ERB-" + other.ToString("N")[..6]));
        await _driver.SendAsync(Assigned(other, Member(erased, "control")));
        Assert.Equal((1L, 0L), (await _host.Host.QueryAsync<(long, long)>(
            "SELECT count(*), count(*) FILTER (WHERE customer_id = @erased OR revenue <> 0) FROM members WHERE campaign_id = @other", new { other, erased })).Single());
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }

    // The derived tables without the rows that name a customer (members, targeted customers): the statistics alone.
    private static List<string> Statistics(List<string> rows) =>
        [.. rows.Where(r => !r.StartsWith(" FROM members", StringComparison.Ordinal) && !r.StartsWith(" FROM targeted_customers", StringComparison.Ordinal))];
}

using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>A failure in the middle of a batch's attribution rolls the whole message back; its redelivery applies it all, once.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private MeasurementTestHost _host = null!;
    private AttributionDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _host = await MeasurementTestHost.StartAsync("attribution-failure");
        _driver = new AttributionDriver(_host);
    }

    public async Task DisposeAsync()
    {
        _driver.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task FailureAfterMembersAndCellStatsWereWritten_LosesNothingAfterRedelivery()
    {
        var campaign = Guid.NewGuid();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        await _driver.SendAsync(Campaign(campaign, "FAIL-" + campaign.ToString("N")[..6]));
        await _driver.SendAsync(Assigned(campaign, Member(a, "control", preRevenue: 10), Member(b, "control", preRevenue: 20)));

        // The targeted customers are re-derived last, after the purchases, members and cell_stats of the batch were
        // written in the same transaction: a violation there fails the message twice (a sequence is not rolled back),
        // then the retry goes through.
        await _host.Host.ExecuteAsync("""
            CREATE SEQUENCE injected_failures;
            CREATE FUNCTION fail_twice() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('injected_failures') <= 2 THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = '23514'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_twice BEFORE UPDATE ON targeted_customers FOR EACH ROW EXECUTE FUNCTION fail_twice();
            """);
        await _driver.SendAsync(Purchases(Purchase(a, WaveStart.AddDays(1), 40), Purchase(b, WaveStart.AddDays(2), 60, isReturn: false)));

        Assert.True(await _host.Host.ScalarAsync<long>("SELECT last_value FROM injected_failures") >= 3, "the failure was injected");
        Assert.Equal(2L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM purchases"));
        Assert.Equal((2L, 100m, 40m * 40 + 60m * 60), (await _host.Host.QueryAsync<(long, decimal, decimal)>(
            "SELECT members, revenue_sum, revenue_sq FROM cell_stats WHERE campaign_id = @campaign", new { campaign })).Single());
        Assert.Equal(100m, await _host.Host.ScalarAsync<decimal>("SELECT revenue_sum FROM global_control_stats WHERE NOT global_control"));
        await StatisticsCheck.AssertConsistentAsync(_host.Host);
    }
}

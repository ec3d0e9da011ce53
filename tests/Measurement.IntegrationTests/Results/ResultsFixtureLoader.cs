using Platform.Testing;

namespace Measurement.IntegrationTests.Results;

/// <summary>
/// Writes a campaign's rows straight into Measurement's tables, as the attribution would have left them (nothing is
/// published): the campaign, its cells and waves, the statistics rows and, for the scans, members, purchases and scores.
/// </summary>
internal static class ResultsFixtureLoader
{
    public static async Task InsertCampaignAsync(
        ServiceTestHost<Program> host, Guid id, string code, string objective, (string Cell, double Share, bool IsControl, string? Offer, decimal OfferCost)[] cells)
    {
        await host.ExecuteAsync("""
            INSERT INTO campaigns (id, code, name, objective, kind, launched_at, response_window_days, currency, member_count, global_control_share, cells, waves, offers)
            VALUES (@id, @code, @name, @objective, 'platform', @launch, 30, 'EUR', 260, 0.05, '[]', '[]', '[]')
            """, new { id, code, name = "Campaign " + code, objective, launch = ResultsFixture.Launch });
        await host.ExecuteAsync("INSERT INTO campaign_waves (campaign_id, wave, share, starts_at) VALUES (@id, 1, 0.5, @w1), (@id, 2, 0.5, @w2)",
            new { id, w1 = ResultsFixture.Launch, w2 = ResultsFixture.Wave2 });
        foreach (var c in cells)
        {
            await host.ExecuteAsync("""
                INSERT INTO campaign_cells (campaign_id, cell, share, is_control, offer_code, cost_per_redemption) VALUES (@id, @Cell, @Share, @IsControl, @Offer, @OfferCost)
                """, new { id, c.Cell, c.Share, c.IsControl, c.Offer, c.OfferCost });
        }
    }

    /// <summary>The generated acquisition campaign (cells control 20 %, a 40 % with offer OFF-A, b 40 %) with every row.</summary>
    public static async Task InsertGeneratedAsync(ServiceTestHost<Program> host, Guid id, string code, string objective = "acquisition", bool withMembers = true)
    {
        await InsertCampaignAsync(host, id, code, objective, [("control", 0.2, true, null, 0m), ("a", 0.4, false, "OFF-A", 5m), ("b", 0.4, false, null, 0m)]);
        await InsertCellStatsAsync(host, id, ResultsFixture.CellStats);
        foreach (var s in ResultsFixture.StepStats)
        {
            await InsertStepStatsAsync(host, id, (string)s[0], (int)s[1], (int)s[2], (string)s[3], (string)s[4], (string)s[5], (long)s[6], (double)s[7]);
        }

        foreach (var r in ResultsFixture.StepResponders)
        {
            await host.ExecuteAsync("INSERT INTO step_responders (campaign_id, cell, wave, step, responders) VALUES (@id, @cell, @wave, @step, @responders)",
                new { id, cell = (string)r[0], wave = (int)r[1], step = (int)r[2], responders = (long)r[3] });
        }

        if (!withMembers)
        {
            return;
        }

        await host.ExecuteAsync("""
            INSERT INTO members (campaign_id, customer_id, cell, wave, global_control, value_tier, deal_seeker, pre_revenue, pre_orders,
                                 contacted, reached, responded, converted, revenue, margin, first_purchase_at, window_start)
            VALUES (@id, @Customer, @Cell, @Wave, @Cell = 'global_control', nullif(@Tier, ''), false, @PreRevenue, 0,
                    @Contacted, @Reached, @Responded, @Converted, @Revenue, @Margin, @FirstPurchaseAt,
                    (SELECT launched_at FROM campaigns WHERE id = @id))
            """, ResultsFixture.Members.Select(m => new { id, m.Customer, m.Cell, m.Wave, m.Tier, m.PreRevenue, m.Contacted, m.Reached, m.Responded, m.Converted, m.Revenue, m.Margin, m.FirstPurchaseAt }));
        var converters = ResultsFixture.Members.Where(m => m.FirstPurchaseAt is not null).ToList();
        var purchases = converters.Select(m => new { Id = Guid.NewGuid(), m.Customer, At = m.FirstPurchaseAt!.Value, m.Revenue })
            .Concat(converters.Where(m => m.DaysToSecondPurchase is not null)
                .Select(m => new { Id = Guid.NewGuid(), m.Customer, At = m.FirstPurchaseAt!.Value.AddDays(m.DaysToSecondPurchase!.Value), Revenue = 30m }));
        await host.ExecuteAsync("""
            INSERT INTO purchases (transaction_id, customer_id, occurred_at, net_amount, margin, cost_known, is_return) VALUES (@Id, @Customer, @At, @Revenue, 0, false, false)
            """, purchases);
        await host.ExecuteAsync("""
            INSERT INTO customer_scores (customer_id, run_number, clv, deal_seeker, orders) VALUES (@Customer, 1, @Clv, @DealSeeker, 1)
            ON CONFLICT (customer_id) DO NOTHING
            """, converters.Where(m => m.Scored));
    }

    public static async Task InsertCellStatsAsync(ServiceTestHost<Program> host, Guid id, IEnumerable<object[]> rows)
    {
        foreach (var r in rows)
        {
            await host.ExecuteAsync("""
                INSERT INTO cell_stats (campaign_id, cell, wave, value_tier, contacted, members, reached, responders, converters, redeemers, active_after_90, orders,
                    revenue_sum, revenue_sq, margin_sum, margin_sq, profit_sum, profit_sq, cost_sum, cost_sq, profit_cost, contact_cost_sum, offer_cost_sum,
                    x_sum, x_sq, x_revenue, x_margin, x_profit, x_responders, x_converters)
                VALUES (@id, @p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21,
                    @p22, @p23, @p24, @p25, @p26, @p27, @p28)
                """, Parameters(id, r));
        }
    }

    public static Task InsertStepStatsAsync(ServiceTestHost<Program> host, Guid id, string cell, int wave, int step, string channel, string status, string reason, long contacts, double cost) =>
        host.ExecuteAsync("""
            INSERT INTO step_stats (campaign_id, cell, wave, step, channel, status, block_reason, contacts, cost_sum)
            VALUES (@id, @cell, @wave, @step, @channel, @status, @reason, @contacts, @cost)
            """, new { id, cell, wave, step, channel, status, reason, contacts, cost });

    /// <summary>A cell_stats row of <paramref name="members"/> members with the given counts and money sums (rates' covariates zero).</summary>
    public static object[] StatsRow(string cell, long members, long responders = 0, long converters = 0, double revenue = 0, double revenueSq = 0, long activeAfter90 = 0) =>
        [cell, 1, "", false, members, 0L, responders, converters, 0L, activeAfter90, 0L, revenue, revenueSq, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];

    private static Dapper.DynamicParameters Parameters(Guid id, object[] row)
    {
        var parameters = new Dapper.DynamicParameters();
        parameters.Add("id", id);
        for (var i = 0; i < row.Length; i++)
        {
            // Counts as bigint, sums as numeric (the generated rows hold them as int/long and double).
            parameters.Add("p" + i, row[i] switch { double d => (decimal)d, int n when i >= 4 => (long)n, var v => v });
        }

        return parameters;
    }
}

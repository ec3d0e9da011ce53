using Measurement.Features.Results;

namespace Measurement.Tests.Results;

/// <summary>Small results inputs built in code: a campaign with control (50 %) and cell a (50 %) unless cells are given.</summary>
internal static class ResultsInputs
{
    public static readonly DateTimeOffset Launch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ResultsInput Campaign(
        string objective, IReadOnlyList<CellStatsRow> stats, IReadOnlyList<CellDesignRow>? cells = null, IReadOnlyList<StepStatsRow>? steps = null,
        IReadOnlyList<StepResponderRow>? responders = null, DateTimeOffset? now = null) =>
        new(new CampaignRow(Guid.NewGuid(), "C-1", "Campaign", objective, "platform", "running", "EUR", Launch, null, 30, 0, Launch),
            cells ?? [new CellDesignRow("control", 0.5, true, null), new CellDesignRow("a", 0.5, false, null)],
            stats, steps ?? [], responders ?? [], null, null, now ?? Launch.AddDays(200));

    /// <summary>
    /// A row whose members each have margin = 0.4 × revenue and the same contact cost c = <paramref name="contactCost"/> / members, so
    /// profit = 0.4 revenue − c and every sum follows exactly from Σrevenue and Σrevenue².
    /// </summary>
    public static CellStatsRow Row(
        string cell, long members, long responders = 0, long converters = 0, double revenue = 0, double revenueSq = 0, int wave = 1, string tier = "",
        bool contacted = false, long active = 0, double contactCost = 0, double x = 0, double xSq = 0, double xRevenue = 0)
    {
        var c = contactCost / members;
        var profit = (revenue * 0.4) - contactCost;
        var profitSq = (0.16 * revenueSq) - (0.8 * c * revenue) + (members * c * c);
        return new(cell, wave, tier, contacted, members, responders, responders, converters, 0, active, converters,
            revenue, revenueSq, revenue * 0.4, revenueSq * 0.16, profit, profitSq, contactCost, members * c * c, c * profit, contactCost, 0,
            x, xSq, xRevenue, xRevenue * 0.4, (xRevenue * 0.4) - (c * x), 0, 0);
    }
}

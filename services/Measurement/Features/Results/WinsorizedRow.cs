namespace Measurement.Features.Results;

/// <summary>A cell's revenue per member capped at a percentile of all the campaign's members (<see cref="Cap"/>), as sufficient statistics with the covariate.</summary>
public sealed record WinsorizedRow(string Cell, double Cap, double Members, double Sum, double SumOfSquares, double CovariateSum, double CovariateSumOfSquares, double CrossProducts)
{
    /// <summary>
    /// The upper tail of the campaign's counted members, largest revenue first (<c>@limit</c> rows): a bounded top-N sort,
    /// not a sort of every member.
    /// </summary>
    public const string TailSql = """
        SELECT cell AS Cell, revenue::float8 AS Revenue, pre_revenue::float8 AS Covariate
        FROM members
        WHERE campaign_id = @campaignId AND window_start IS NOT NULL
        ORDER BY revenue DESC
        LIMIT @limit
        """;

    /// <summary>
    /// Members to read for percentile <paramref name="percentile"/> of <paramref name="members"/> values: down to the lower
    /// of the two order statistics percentile_cont interpolates between (0-based ascending position ⌊(n − 1)p⌋).
    /// </summary>
    public static long TailLength(long members, double percentile) =>
        members <= 0 ? 0 : members - (long)Math.Floor((members - 1) * percentile);

    /// <summary>
    /// Each cell's revenue capped above at percentile_cont(<paramref name="percentile"/>) of all counted members, from the
    /// maintained statistics and the upper tail alone: the cap interpolates the tail's two order statistics, and every
    /// value above it lies in the tail, so Σmin(y, c) = Σy − Σ_{y&gt;c}(y − c), Σmin(y, c)² = Σy² − Σ_{y&gt;c}(y² − c²),
    /// Σx·min(y, c) = Σxy − Σ_{y&gt;c}x(y − c). Only the upper tail is capped (returns stay negative).
    /// </summary>
    public static List<WinsorizedRow> FromTail(IReadOnlyList<CellStatsRow> stats, IReadOnlyList<TailMember> tail, double percentile)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(tail);
        var n = stats.Sum(s => s.Members);
        if (n <= 0 || tail.Count < TailLength(n, percentile))
        {
            return [];
        }

        var h = (n - 1) * percentile;
        var lower = (long)Math.Floor(h);
        var upper = (long)Math.Ceiling(h);
        var low = tail[(int)(n - 1 - lower)].Revenue;   // the tail runs from the largest value (ascending position n − 1) down
        var high = tail[(int)(n - 1 - upper)].Revenue;
        var cap = low + ((h - lower) * (high - low));
        return [.. stats.GroupBy(s => s.Cell).Where(g => g.Sum(s => s.Members) > 0).Select(g =>
        {
            var above = tail.Where(t => t.Cell == g.Key && t.Revenue > cap).ToList();
            return new WinsorizedRow(
                g.Key, cap, g.Sum(s => s.Members),
                g.Sum(s => s.RevenueSum) - above.Sum(t => t.Revenue - cap),
                g.Sum(s => s.RevenueSq) - above.Sum(t => (t.Revenue * t.Revenue) - (cap * cap)),
                g.Sum(s => s.XSum),
                g.Sum(s => s.XSq),
                g.Sum(s => s.XRevenue) - above.Sum(t => t.Covariate * (t.Revenue - cap)));
        })];
    }
}

namespace Measurement.Features.Results;

/// <summary>A cell's revenue per member capped at a percentile of all the campaign's members (<see cref="Cap"/>), as sufficient statistics with the covariate.</summary>
public sealed record WinsorizedRow(string Cell, double Cap, double Members, double Sum, double SumOfSquares, double CovariateSum, double CovariateSumOfSquares, double CrossProducts)
{
    /// <summary>
    /// One statement that reads only the upper tail: percentile_cont's two order statistics come from a bounded top-N sort
    /// of the campaign's counted members (k = n − ⌊(n − 1)p⌋ rows, about 1% at p = 0.99), and each cell's capped sums are
    /// its maintained sums (cell_stats) minus the tail's excess over the cap: Σmin(y, c) = Σy − Σ_{y&gt;c}(y − c),
    /// Σmin(y, c)² = Σy² − Σ_{y&gt;c}(y² − c²), Σx·min(y, c) = Σxy − Σ_{y&gt;c}x(y − c). Only the upper tail is capped
    /// (returns stay negative). Every value above the cap lies in the tail, so nothing else needs reading.
    /// </summary>
    public const string SelectSql = """
        WITH totals AS (
            SELECT cell, sum(members)::float8 AS members, sum(revenue_sum)::float8 AS revenue_sum, sum(revenue_sq)::float8 AS revenue_sq,
                   sum(x_sum)::float8 AS x_sum, sum(x_sq)::float8 AS x_sq, sum(x_revenue)::float8 AS x_revenue
            FROM cell_stats WHERE campaign_id = @campaignId
            GROUP BY cell
        ),
        position AS (
            SELECT n, (n - 1) * @percentile AS h FROM (SELECT sum(members)::bigint AS n FROM totals) t WHERE n > 0
        ),
        top AS (
            SELECT cell, y, x, row_number() OVER (ORDER BY y DESC) - 1 AS from_top
            FROM (
                SELECT m.cell, m.revenue::float8 AS y, m.pre_revenue::float8 AS x
                FROM members m
                WHERE m.campaign_id = @campaignId AND m.window_start IS NOT NULL
                ORDER BY m.revenue DESC
                LIMIT (SELECT n - floor(h)::bigint FROM position)
            ) t
        ),
        cap AS (
            SELECT lo.y + (p.h - floor(p.h)) * (hi.y - lo.y) AS cap
            FROM position p
            JOIN top lo ON lo.from_top = p.n - 1 - floor(p.h)::bigint
            JOIN top hi ON hi.from_top = p.n - 1 - ceil(p.h)::bigint
        ),
        excess AS (
            SELECT t.cell, sum(t.y - c.cap) AS over, sum(t.y * t.y - c.cap * c.cap) AS over_sq, sum(t.x * (t.y - c.cap)) AS x_over
            FROM top t CROSS JOIN cap c
            WHERE t.y > c.cap
            GROUP BY t.cell
        )
        SELECT s.cell AS Cell, c.cap AS Cap, s.members AS Members,
               s.revenue_sum - coalesce(e.over, 0) AS Sum,
               s.revenue_sq - coalesce(e.over_sq, 0) AS SumOfSquares,
               s.x_sum AS CovariateSum,
               s.x_sq AS CovariateSumOfSquares,
               s.x_revenue - coalesce(e.x_over, 0) AS CrossProducts
        FROM totals s CROSS JOIN cap c
        LEFT JOIN excess e USING (cell)
        WHERE s.members > 0
        """;
}

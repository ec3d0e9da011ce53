namespace Measurement.Features.Results;

/// <summary>A cell's revenue per member capped at a percentile of all the campaign's members (<see cref="Cap"/>), as sufficient statistics with the covariate.</summary>
public sealed record WinsorizedRow(string Cell, double Cap, double Members, double Sum, double SumOfSquares, double CovariateSum, double CovariateSumOfSquares, double CrossProducts)
{
    /// <summary>
    /// One statement: the percentile over every member of the campaign (global control included), then the capped sums per
    /// cell. Only the upper tail is capped (returns stay negative). A scan of the campaign's members.
    /// </summary>
    public const string SelectSql = """
        WITH cap AS (
            SELECT percentile_cont(@percentile) WITHIN GROUP (ORDER BY revenue::float8) AS cap FROM members WHERE campaign_id = @campaignId
        )
        SELECT m.cell, cap.cap AS Cap, count(*)::float8 AS Members,
               sum(least(m.revenue::float8, cap.cap)) AS Sum,
               sum(least(m.revenue::float8, cap.cap) ^ 2) AS SumOfSquares,
               sum(m.pre_revenue::float8) AS CovariateSum,
               sum(m.pre_revenue::float8 ^ 2) AS CovariateSumOfSquares,
               sum(m.pre_revenue::float8 * least(m.revenue::float8, cap.cap)) AS CrossProducts
        FROM members m CROSS JOIN cap
        WHERE m.campaign_id = @campaignId
        GROUP BY m.cell, cap.cap
        """;
}

namespace Measurement.Features.Results;

/// <summary>
/// A cell's acquired cohort (its converters): how many have a known first purchase, how many of those are at least
/// 30/90/180 days past it and bought again within that many days, and their latest scores (deal seekers, CLV).
/// </summary>
public sealed record CohortRow(
    string Cell, long Acquired, long WithFirstPurchase,
    long Matured30, long Repeat30, long Matured90, long Repeat90, long Matured180, long Repeat180,
    long Scored, long DealSeekers, long ClvCount, double ClvSum, double ClvSq)
{
    /// <summary>
    /// A scan of the campaign's converters only (partial index of 0003): for each, the first non-return purchase after the
    /// first one within the longest repeat window, 180 days (a probe into the months it spans: purchases are partitioned
    /// by month, migration 0006), and its latest scores.
    /// </summary>
    public const string SelectSql = """
        WITH cohort AS (
            SELECT m.cell, m.first_purchase_at AS first_at,
                   (SELECT min(p.occurred_at) FROM purchases p
                    WHERE p.customer_id = m.customer_id AND NOT p.is_return AND p.occurred_at > m.first_purchase_at
                      AND p.occurred_at < m.first_purchase_at + interval '180 days') AS second_at,
                   s.customer_id IS NOT NULL AS scored, coalesce(s.deal_seeker, false) AS deal_seeker, s.clv
            FROM members m LEFT JOIN customer_scores s ON s.customer_id = m.customer_id
            WHERE m.campaign_id = @campaignId AND m.converted
        )
        SELECT cell, count(*) AS Acquired, count(first_at) AS WithFirstPurchase,
               count(*) FILTER (WHERE first_at <= @now - interval '30 days') AS Matured30,
               count(*) FILTER (WHERE first_at <= @now - interval '30 days' AND second_at < first_at + interval '30 days') AS Repeat30,
               count(*) FILTER (WHERE first_at <= @now - interval '90 days') AS Matured90,
               count(*) FILTER (WHERE first_at <= @now - interval '90 days' AND second_at < first_at + interval '90 days') AS Repeat90,
               count(*) FILTER (WHERE first_at <= @now - interval '180 days') AS Matured180,
               count(*) FILTER (WHERE first_at <= @now - interval '180 days' AND second_at < first_at + interval '180 days') AS Repeat180,
               count(*) FILTER (WHERE scored) AS Scored, count(*) FILTER (WHERE deal_seeker) AS DealSeekers,
               count(clv) AS ClvCount, coalesce(sum(clv), 0)::float8 AS ClvSum, coalesce(sum(clv * clv), 0)::float8 AS ClvSq
        FROM cohort GROUP BY cell
        """;
}

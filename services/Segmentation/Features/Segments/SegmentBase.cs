using Npgsql;
using Segmentation.Features.Profiles;

namespace Segmentation.Features.Segments;

/// <summary>
/// The rows segment rules select from: one per customer with a profile, with the columns of <see cref="SegmentFields"/>
/// (profile, purchase aggregates, latest scores). Used as <c>FROM SegmentBase.Sql</c>, with <see cref="AddParameters"/>.
/// </summary>
public static class SegmentBase
{
    /// <summary>A subquery aliased <c>b</c>; its parameters are <c>@base_as_of</c> and <c>@margin_rate</c> (<see cref="PurchaseMargin"/>).</summary>
    public const string Sql = $"""
        (SELECT p.customer_id, p.lifecycle, p.gender, p.birth_year, p.country, p.region, p.join_date, p.acquisition_channel,
                p.acquisition_campaign, p.consent_email, p.consent_sms, p.consent_mail, p.consent_phone,
                u.orders_count, u.returns_count, u.purchase_days, u.gross_revenue, u.net_revenue, u.discount_total,
                {PurchaseMargin.Sql} AS margin,
                round(u.net_revenue / nullif(u.orders_count, 0), 2) AS average_order_value,
                u.discounted_orders_count::numeric / nullif(u.orders_count, 0) AS discounted_share,
                u.first_purchase_at, u.last_purchase_at,
                (@base_as_of AT TIME ZONE 'UTC')::date - (u.first_purchase_at AT TIME ZONE 'UTC')::date AS tenure_days,
                s.recency_score, s.frequency_score, s.monetary_score, s.rfm_cell, s.value_tier, s.deal_seeker, s.p_alive,
                s.expected_purchases, s.expected_spend, s.clv, s.clv_economics, s.churn_risk
         FROM customer_profiles p
         LEFT JOIN customer_purchases u USING (customer_id)
         LEFT JOIN customer_scores s USING (customer_id)) b
        """;

    /// <summary>Adds the base's own parameters: the moment tenure is counted to and the margin rate of orders without a cost.</summary>
    public static void AddParameters(NpgsqlCommand command, DateTimeOffset asOf, double defaultMarginRate)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.Add(new NpgsqlParameter("base_as_of", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = asOf.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter(PurchaseMargin.RateParameter, NpgsqlTypes.NpgsqlDbType.Numeric) { Value = (decimal)defaultMarginRate });
    }
}

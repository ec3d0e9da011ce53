using Dapper;
using Npgsql;

namespace Measurement.Features.Attribution;

/// <summary>
/// Re-derives campaign members' outcomes from the stored facts (campaign, wave, cell, contacts, responses, purchases)
/// by the attribution rule, and keeps the maintained statistics in step: each changed member's old contribution is
/// subtracted and its new one added (cell_stats, step_responders), so the statistics always equal a GROUP BY over the
/// members whatever order the facts arrived in. Then the targeted customers of the touched customers are re-derived
/// the same way (targeted_customers, global_control_stats).
/// </summary>
/// <remarks>
/// Concurrency: every writer of Measurement's attribution tables runs its whole transaction under one
/// transaction-scoped advisory lock (<see cref="LockAsync"/>), taken before it stores its facts. Why one lock for all:
/// every batch adds to the same few hot rows (cell_stats of a campaign, global_control_stats), so concurrent batches
/// would queue on those row locks anyway (and could deadlock on them); and a re-derivation must see every fact
/// committed before it, which a lock released only at commit guarantees under READ COMMITTED (each statement's snapshot
/// is taken after the lock was granted). Taking it before the facts are stored, not just before the re-derivation,
/// means no transaction ever waits for a row another one wrote while itself holding the lock (no deadlock between a
/// duplicate fact's insert and the lock). One exception: purchases are inserted before the lock (they are only ever
/// added to members by the transaction that inserted them, under the lock, and no lock holder writes purchases, so no
/// holder waits on a non-holder), which lets batches of orders store their facts in parallel. Not one lock per customer: the shared lock table is small, and a batch
/// touches a thousand customers. Replicas and consumers of every kind take the same key, so nothing is lost; the price
/// is that attribution is serial per database, which the measured throughput allows (see the report in the commit).
/// </remarks>
public static class MemberAttribution
{
    // Arbitrary, shared by all replicas; distinct from the migration (…001), erasure (…101) and scoring (…102) locks.
    private const long LockKey = 7_290_412_103;

    // Which members to re-derive. Constants, never user input. Anonymized members are re-derived only while not derived
    // yet (their campaign arrived after the erasure): their facts are gone, their stored outcome stands.
    private const string ByCustomers = "m.customer_id = ANY(@CustomerIds)";
    private const string ByCampaign = "m.campaign_id = @CampaignId";
    private const string ByCampaignCustomers = "m.campaign_id = @CampaignId AND m.customer_id = ANY(@CustomerIds)";

    // Customers whose targeted_customers row to re-derive.
    private const string TargetedByCustomers = "SELECT DISTINCT unnest(@CustomerIds::uuid[]) AS customer_id";
    private const string TargetedByCampaign = "SELECT customer_id FROM members WHERE campaign_id = @CampaignId";

    // The attribution rule (README, "Attribution"): window from the first dispatched or exported contact, else the wave's
    // start, while the campaign is known; outcomes inside [window_start, window_end). A member is counted in the
    // statistics once its window is known (window_start not null). {scope} is one of the constants above.
    private const string MembersSqlTemplate = """
        WITH touched AS (
            SELECT m.* FROM members m WHERE {scope} AND (NOT m.anonymized OR m.window_start IS NULL)
        ),
        derived AS (
            SELECT t.campaign_id, t.customer_id, t.cell, t.wave, t.value_tier, t.pre_revenue,
                   w.window_start, w.window_end,
                   coalesce(k.contacted, false) AS contacted,
                   coalesce(k.contacted_steps, 0) AS contacted_steps,
                   coalesce(rs.responded_steps, 0) AS responded_steps,
                   coalesce(r.reached, false) AS reached,
                   coalesce(r.responded, false) AS responded,
                   coalesce(p.orders > 0 OR r.converted, false) AS converted,
                   coalesce(cc.offer_code IS NOT NULL AND (p.redeemed OR r.converted), false) AS redeemed,
                   coalesce(p.orders, 0)::int AS orders,
                   coalesce(p.revenue, 0) AS revenue,
                   coalesce(p.margin, 0) AS margin,
                   coalesce(k.contact_cost, 0) AS contact_cost,
                   CASE WHEN cc.offer_code IS NOT NULL AND (p.redeemed OR r.converted) THEN cc.cost_per_redemption ELSE 0 END AS offer_cost,
                   p.first_purchase_at,
                   coalesce(p.active_after_90, false) AS active_after_90
            FROM touched t
            LEFT JOIN campaigns c ON c.id = t.campaign_id
            LEFT JOIN campaign_waves cw ON cw.campaign_id = t.campaign_id AND cw.wave = t.wave
            LEFT JOIN campaign_cells cc ON cc.campaign_id = t.campaign_id AND cc.cell = t.cell
            LEFT JOIN LATERAL (
                SELECT min(k.at) FILTER (WHERE k.status IN ('dispatched', 'exported')) AS first_contact,
                       bool_or(k.status IN ('dispatched', 'exported')) AS contacted,
                       bit_or(1 << (k.step - 1)) FILTER (WHERE k.status IN ('dispatched', 'exported') AND k.step BETWEEN 1 AND 31) AS contacted_steps,
                       sum(k.cost) AS contact_cost
                FROM contacts k WHERE k.customer_id = t.customer_id AND k.campaign_id = t.campaign_id
            ) k ON true
            LEFT JOIN LATERAL (
                SELECT s.at AS window_start, s.at + make_interval(days => c.response_window_days) AS window_end
                FROM (SELECT coalesce(k.first_contact, cw.starts_at) AS at) s
                WHERE c.id IS NOT NULL AND s.at IS NOT NULL
            ) w ON true
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE p.occurred_at < w.window_end AND NOT p.is_return) AS orders,
                       sum(p.net_amount) FILTER (WHERE p.occurred_at < w.window_end) AS revenue,
                       sum(p.margin) FILTER (WHERE p.occurred_at < w.window_end) AS margin,
                       bool_or(p.occurred_at < w.window_end AND NOT p.is_return
                               AND (p.promotion_code = cc.offer_code OR p.campaign_code = c.code)) AS redeemed,
                       min(p.occurred_at) FILTER (WHERE p.occurred_at < w.window_end AND NOT p.is_return) AS first_purchase_at,
                       bool_or(NOT p.is_return AND p.occurred_at >= w.window_start + interval '90 days') AS active_after_90
                FROM purchases p WHERE p.customer_id = t.customer_id AND p.occurred_at >= w.window_start
            ) p ON true
            LEFT JOIN LATERAL (
                SELECT bool_or(r.type IN ('delivered', 'opened', 'clicked', 'answered', 'replied', 'inbound-call', 'converted')) AS reached,
                       bool_or(r.type IN ('clicked', 'replied', 'inbound-call', 'converted')) AS responded,
                       bool_or(r.type = 'converted') AS converted,
                       max(r.occurred_at) FILTER (WHERE r.type IN ('clicked', 'replied', 'inbound-call', 'converted')) AS last_response
                FROM responses r
                WHERE r.customer_id = t.customer_id AND r.campaign_code = c.code
                  AND r.occurred_at >= w.window_start AND r.occurred_at < w.window_end
            ) r ON true
            -- A step responded when its contact preceded a response of the window (the last one, so any one).
            LEFT JOIN LATERAL (
                SELECT bit_or(1 << (k.step - 1)) AS responded_steps
                FROM contacts k
                WHERE k.customer_id = t.customer_id AND k.campaign_id = t.campaign_id
                  AND k.status IN ('dispatched', 'exported') AND k.step BETWEEN 1 AND 31 AND k.at <= r.last_response
            ) rs ON true
        ),
        {apply}
        """;

    // The members whose derived outcome differs from the stored one are updated, and the difference between their old
    // (sign −1) and new (sign +1) contributions goes into cell_stats and step_responders. Follows a statement's CTEs
    // `touched` (members as stored) and `derived` (the same members as they must be).
    private const string ApplyMembersSql = """
        -- Each changed member once, with its stored (t_*) and derived values side by side: the update and the
        -- contributions below read this one row set (joining CTEs to each other again plans as nested loops over them).
        changed AS (
            SELECT d.*, t.window_start AS t_window_start, t.contacted AS t_contacted, t.reached AS t_reached,
                   t.responded AS t_responded, t.converted AS t_converted, t.redeemed AS t_redeemed,
                   t.active_after_90 AS t_active_after_90, t.orders AS t_orders, t.revenue AS t_revenue, t.margin AS t_margin,
                   t.contact_cost AS t_contact_cost, t.offer_cost AS t_offer_cost, t.responded_steps AS t_responded_steps
            FROM derived d JOIN touched t USING (campaign_id, customer_id)
            WHERE (t.window_start, t.window_end, t.contacted, t.contacted_steps, t.responded_steps, t.reached, t.responded,
                   t.converted, t.redeemed, t.orders, t.revenue, t.margin, t.contact_cost, t.offer_cost, t.first_purchase_at,
                   t.active_after_90)
                  IS DISTINCT FROM
                  (d.window_start, d.window_end, d.contacted, d.contacted_steps, d.responded_steps, d.reached, d.responded,
                   d.converted, d.redeemed, d.orders, d.revenue, d.margin, d.contact_cost, d.offer_cost, d.first_purchase_at,
                   d.active_after_90)
        ),
        updated AS (
            UPDATE members m SET
                window_start = d.window_start, window_end = d.window_end, contacted = d.contacted,
                contacted_steps = d.contacted_steps, responded_steps = d.responded_steps, reached = d.reached,
                responded = d.responded, converted = d.converted, redeemed = d.redeemed, orders = d.orders,
                revenue = d.revenue, margin = d.margin, contact_cost = d.contact_cost, offer_cost = d.offer_cost,
                first_purchase_at = d.first_purchase_at, active_after_90 = d.active_after_90
            FROM changed d
            WHERE m.campaign_id = d.campaign_id AND m.customer_id = d.customer_id
        ),
        -- Old contributions with sign -1, new ones with +1; only members counted (window known) contribute. Cell, wave,
        -- tier and covariate never change with a re-derivation.
        contributions AS (
            SELECT -1 AS sign, c.campaign_id, c.cell, c.wave, coalesce(c.value_tier, '') AS value_tier, c.t_contacted AS contacted,
                   c.pre_revenue AS x, c.t_reached AS reached, c.t_responded AS responded, c.t_converted AS converted,
                   c.t_redeemed AS redeemed, c.t_active_after_90 AS active_after_90, c.t_orders AS orders,
                   c.t_revenue AS revenue, c.t_margin AS margin, c.t_contact_cost AS contact_cost, c.t_offer_cost AS offer_cost,
                   c.t_responded_steps AS responded_steps
            FROM changed c
            WHERE c.t_window_start IS NOT NULL
            UNION ALL
            SELECT 1, c.campaign_id, c.cell, c.wave, coalesce(c.value_tier, ''), c.contacted,
                   c.pre_revenue, c.reached, c.responded, c.converted, c.redeemed, c.active_after_90, c.orders,
                   c.revenue, c.margin, c.contact_cost, c.offer_cost, c.responded_steps
            FROM changed c
            WHERE c.window_start IS NOT NULL
        ),
        valued AS (
            SELECT c.*, c.margin - c.contact_cost - c.offer_cost AS profit, c.contact_cost + c.offer_cost AS cost
            FROM contributions c
        ),
        steps AS (
            INSERT INTO step_responders AS s (campaign_id, cell, wave, step, responders)
            SELECT v.campaign_id, v.cell, v.wave, n.step, sum(v.sign * ((v.responded_steps >> (n.step - 1)) & 1))
            FROM valued v CROSS JOIN generate_series(1, 31) AS n(step)
            WHERE v.responded_steps <> 0
            GROUP BY v.campaign_id, v.cell, v.wave, n.step
            HAVING sum(v.sign * ((v.responded_steps >> (n.step - 1)) & 1)) <> 0
            ORDER BY 1, 2, 3, 4
            ON CONFLICT (campaign_id, cell, wave, step) DO UPDATE SET responders = s.responders + excluded.responders
        )
        INSERT INTO cell_stats AS s (campaign_id, cell, wave, value_tier, contacted, members, reached, responders, converters,
            redeemers, active_after_90, orders, revenue_sum, revenue_sq, margin_sum, margin_sq, profit_sum, profit_sq, cost_sum,
            cost_sq, profit_cost, contact_cost_sum, offer_cost_sum, x_sum, x_sq, x_revenue, x_margin, x_profit, x_responders,
            x_converters)
        SELECT campaign_id, cell, wave, value_tier, contacted,
               sum(sign),
               sum(sign * reached::int), sum(sign * responded::int), sum(sign * converted::int), sum(sign * redeemed::int),
               sum(sign * active_after_90::int), sum(sign * orders),
               sum(sign * revenue), sum(sign * revenue * revenue),
               sum(sign * margin), sum(sign * margin * margin),
               sum(sign * profit), sum(sign * profit * profit),
               sum(sign * cost), sum(sign * cost * cost), sum(sign * profit * cost),
               sum(sign * contact_cost), sum(sign * offer_cost),
               sum(sign * x), sum(sign * x * x), sum(sign * x * revenue), sum(sign * x * margin), sum(sign * x * profit),
               sum(sign * x * responded::int), sum(sign * x * converted::int)
        FROM valued
        GROUP BY campaign_id, cell, wave, value_tier, contacted
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (campaign_id, cell, wave, value_tier, contacted) DO UPDATE SET
            members = s.members + excluded.members,
            reached = s.reached + excluded.reached,
            responders = s.responders + excluded.responders,
            converters = s.converters + excluded.converters,
            redeemers = s.redeemers + excluded.redeemers,
            active_after_90 = s.active_after_90 + excluded.active_after_90,
            orders = s.orders + excluded.orders,
            revenue_sum = s.revenue_sum + excluded.revenue_sum,
            revenue_sq = s.revenue_sq + excluded.revenue_sq,
            margin_sum = s.margin_sum + excluded.margin_sum,
            margin_sq = s.margin_sq + excluded.margin_sq,
            profit_sum = s.profit_sum + excluded.profit_sum,
            profit_sq = s.profit_sq + excluded.profit_sq,
            cost_sum = s.cost_sum + excluded.cost_sum,
            cost_sq = s.cost_sq + excluded.cost_sq,
            profit_cost = s.profit_cost + excluded.profit_cost,
            contact_cost_sum = s.contact_cost_sum + excluded.contact_cost_sum,
            offer_cost_sum = s.offer_cost_sum + excluded.offer_cost_sum,
            x_sum = s.x_sum + excluded.x_sum,
            x_sq = s.x_sq + excluded.x_sq,
            x_revenue = s.x_revenue + excluded.x_revenue,
            x_margin = s.x_margin + excluded.x_margin,
            x_profit = s.x_profit + excluded.x_profit,
            x_responders = s.x_responders + excluded.x_responders,
            x_converters = s.x_converters + excluded.x_converters
        """;

    // The global control comparison, among customers targeted by a campaign whose window is known: in the global control
    // only if so in every assignment (a customer held out everywhere); first targeted at the earliest window start of
    // their memberships; covariate = pre-launch revenue of that earliest membership (ties: lowest campaign id); outcome =
    // every purchase from then on (returns subtract), with no end. A targeted row changes sides as memberships arrive;
    // its old contribution is subtracted like a member's. {scope} selects the customers.
    private const string TargetedSqlTemplate = """
        WITH scope AS ({scope}),
        memberships AS (
            SELECT m.customer_id, bool_and(m.global_control) AS global_control, min(m.window_start) AS first_targeted_at,
                   (array_agg(m.pre_revenue ORDER BY m.window_start, m.campaign_id))[1] AS pre_revenue
            FROM members m
            WHERE m.customer_id IN (SELECT customer_id FROM scope) AND m.window_start IS NOT NULL
            GROUP BY m.customer_id
        ),
        fresh AS (
            SELECT n.customer_id, n.global_control, n.first_targeted_at, n.pre_revenue,
                   coalesce(p.orders, 0) > 0 AS buyer, coalesce(p.orders, 0)::int AS orders, coalesce(p.revenue, 0) AS revenue
            FROM memberships n
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE NOT p.is_return) AS orders, sum(p.net_amount) AS revenue
                FROM purchases p WHERE p.customer_id = n.customer_id AND p.occurred_at >= n.first_targeted_at
            ) p ON true
            WHERE NOT EXISTS (SELECT 1 FROM targeted_customers a WHERE a.customer_id = n.customer_id AND a.anonymized)
        ),
        stale AS (
            SELECT o.customer_id, o.global_control, o.first_targeted_at, o.pre_revenue, o.buyer, o.orders, o.revenue
            FROM targeted_customers o
            WHERE o.customer_id IN (SELECT customer_id FROM scope) AND NOT o.anonymized
        ),
        -- Each changed row once with its stored (o_*) and derived (n_*) values side by side (see the members' apply).
        changed AS (
            SELECT customer_id, n.customer_id IS NULL AS gone, n.customer_id IS NOT NULL AS n_present, o.customer_id IS NOT NULL AS o_present,
                   n.global_control AS n_global_control, n.first_targeted_at AS n_first_targeted_at, n.pre_revenue AS n_pre_revenue,
                   n.buyer AS n_buyer, n.orders AS n_orders, n.revenue AS n_revenue,
                   o.global_control AS o_global_control, o.pre_revenue AS o_pre_revenue, o.buyer AS o_buyer, o.revenue AS o_revenue
            FROM fresh n FULL JOIN stale o USING (customer_id)
            WHERE (n.global_control, n.first_targeted_at, n.pre_revenue, n.buyer, n.orders, n.revenue)
                  IS DISTINCT FROM (o.global_control, o.first_targeted_at, o.pre_revenue, o.buyer, o.orders, o.revenue)
        ),
        upserted AS (
            INSERT INTO targeted_customers AS t (customer_id, global_control, first_targeted_at, pre_revenue, buyer, orders, revenue)
            SELECT c.customer_id, c.n_global_control, c.n_first_targeted_at, c.n_pre_revenue, c.n_buyer, c.n_orders, c.n_revenue
            FROM changed c WHERE c.n_present
            ORDER BY c.customer_id
            ON CONFLICT (customer_id) DO UPDATE SET
                global_control = excluded.global_control, first_targeted_at = excluded.first_targeted_at,
                pre_revenue = excluded.pre_revenue, buyer = excluded.buyer, orders = excluded.orders, revenue = excluded.revenue
        ),
        removed AS (
            DELETE FROM targeted_customers t
            WHERE t.customer_id IN (SELECT customer_id FROM changed WHERE gone) AND NOT t.anonymized
        ),
        {apply}
        """;

    // The difference between the changed targeted customers' old (sign −1) and new (sign +1) contributions goes into
    // global_control_stats. Follows a statement's CTE `changed` (o_present/o_* as stored, n_present/n_* as they must be).
    private const string ApplyTargetedSql = """
        contributions AS (
            SELECT -1 AS sign, c.o_global_control AS global_control, c.o_pre_revenue AS x, c.o_buyer AS buyer, c.o_revenue AS revenue
            FROM changed c WHERE c.o_present
            UNION ALL
            SELECT 1, c.n_global_control, c.n_pre_revenue, c.n_buyer, c.n_revenue
            FROM changed c WHERE c.n_present
        )
        INSERT INTO global_control_stats AS s (global_control, customers, buyers, revenue_sum, revenue_sq, x_sum, x_sq, x_revenue, x_buyers)
        SELECT global_control, sum(sign), sum(sign * buyer::int), sum(sign * revenue), sum(sign * revenue * revenue),
               sum(sign * x), sum(sign * x * x), sum(sign * x * revenue), sum(sign * x * buyer::int)
        FROM contributions
        GROUP BY global_control
        ORDER BY global_control
        ON CONFLICT (global_control) DO UPDATE SET
            customers = s.customers + excluded.customers,
            buyers = s.buyers + excluded.buyers,
            revenue_sum = s.revenue_sum + excluded.revenue_sum,
            revenue_sq = s.revenue_sq + excluded.revenue_sq,
            x_sum = s.x_sum + excluded.x_sum,
            x_sq = s.x_sq + excluded.x_sq,
            x_revenue = s.x_revenue + excluded.x_revenue,
            x_buyers = s.x_buyers + excluded.x_buyers
        """;

    // New purchases (inserted just now, never seen before) of members whose window is known: purchases are immutable and
    // every member already reflects every fact stored before (all under the attribution lock), so adding the new ones'
    // contributions gives exactly what a re-derivation from all facts would, without reading the member's contacts,
    // responses and earlier purchases again (the hot path: orders arrive by the million).
    private const string MembersByPurchasesSql = """
        WITH new_purchases AS (
            SELECT * FROM unnest(@CustomerIds, @OccurredAts, @NetAmounts, @Margins, @IsReturns, @CampaignCodes, @PromotionCodes)
                 AS p(customer_id, occurred_at, net_amount, margin, is_return, campaign_code, promotion_code)
        ),
        touched AS (
            SELECT m.* FROM members m
            WHERE m.customer_id IN (SELECT DISTINCT customer_id FROM new_purchases)
              AND m.window_start IS NOT NULL AND NOT m.anonymized
        ),
        increments AS (
            SELECT t.campaign_id, t.customer_id,
                   count(*) FILTER (WHERE p.occurred_at < t.window_end AND NOT p.is_return) AS orders,
                   coalesce(sum(p.net_amount) FILTER (WHERE p.occurred_at < t.window_end), 0) AS revenue,
                   coalesce(sum(p.margin) FILTER (WHERE p.occurred_at < t.window_end), 0) AS margin,
                   coalesce(bool_or(p.occurred_at < t.window_end AND NOT p.is_return
                            AND (p.promotion_code = cc.offer_code OR p.campaign_code = c.code)), false) AS redeemed,
                   min(p.occurred_at) FILTER (WHERE p.occurred_at < t.window_end AND NOT p.is_return) AS first_purchase_at,
                   coalesce(bool_or(NOT p.is_return AND p.occurred_at >= t.window_start + interval '90 days'), false) AS active_after_90
            FROM touched t
            JOIN new_purchases p ON p.customer_id = t.customer_id AND p.occurred_at >= t.window_start
            JOIN campaigns c ON c.id = t.campaign_id
            LEFT JOIN campaign_cells cc ON cc.campaign_id = t.campaign_id AND cc.cell = t.cell
            GROUP BY t.campaign_id, t.customer_id
        ),
        derived AS (
            SELECT t.campaign_id, t.customer_id, t.cell, t.wave, t.value_tier, t.pre_revenue, t.window_start, t.window_end,
                   t.contacted, t.contacted_steps, t.responded_steps, t.reached, t.responded,
                   t.converted OR i.orders > 0 AS converted,
                   r.redeemed,
                   t.orders + i.orders::int AS orders,
                   t.revenue + i.revenue AS revenue,
                   t.margin + i.margin AS margin,
                   t.contact_cost,
                   CASE WHEN r.redeemed THEN coalesce(cc.cost_per_redemption, 0) ELSE 0 END AS offer_cost,
                   least(t.first_purchase_at, i.first_purchase_at) AS first_purchase_at,
                   t.active_after_90 OR i.active_after_90 AS active_after_90
            FROM touched t
            JOIN increments i USING (campaign_id, customer_id)
            LEFT JOIN campaign_cells cc ON cc.campaign_id = t.campaign_id AND cc.cell = t.cell
            CROSS JOIN LATERAL (SELECT t.redeemed OR (cc.offer_code IS NOT NULL AND i.redeemed) AS redeemed) r
        ),
        {apply}
        """;

    // The same for the targeted customers: purchases since they were first targeted are added to their row.
    private const string TargetedByPurchasesSql = """
        WITH new_purchases AS (
            SELECT * FROM unnest(@CustomerIds, @OccurredAts, @NetAmounts, @IsReturns) AS p(customer_id, occurred_at, net_amount, is_return)
        ),
        -- One probe per customer: the stored row comes along (grouped by its primary key).
        increments AS (
            SELECT o.customer_id, o.global_control, o.pre_revenue, o.buyer, o.orders, o.revenue,
                   count(*) FILTER (WHERE NOT p.is_return) AS added_orders, sum(p.net_amount) AS added_revenue
            FROM targeted_customers o
            JOIN new_purchases p ON p.customer_id = o.customer_id AND p.occurred_at >= o.first_targeted_at
            WHERE o.customer_id IN (SELECT DISTINCT customer_id FROM new_purchases) AND NOT o.anonymized
            GROUP BY o.customer_id
        ),
        changed AS (
            SELECT customer_id, true AS n_present, true AS o_present,
                   global_control AS n_global_control, pre_revenue AS n_pre_revenue, buyer OR added_orders > 0 AS n_buyer,
                   orders + added_orders::int AS n_orders, revenue + added_revenue AS n_revenue,
                   global_control AS o_global_control, pre_revenue AS o_pre_revenue, buyer AS o_buyer, revenue AS o_revenue
            FROM increments
            WHERE added_orders > 0 OR added_revenue <> 0
        ),
        updated AS (
            UPDATE targeted_customers t SET buyer = c.n_buyer, orders = c.n_orders, revenue = c.n_revenue
            FROM changed c
            WHERE t.customer_id = c.customer_id
        ),
        {apply}
        """;

    private static readonly string MembersByPurchasesFilledSql = Fill(MembersByPurchasesSql, "", ApplyMembersSql);
    private static readonly string TargetedByPurchasesFilledSql = Fill(TargetedByPurchasesSql, "", ApplyTargetedSql);

    private static readonly string MembersByCustomersSql = Fill(MembersSqlTemplate, ByCustomers, ApplyMembersSql);
    private static readonly string MembersByCampaignSql = Fill(MembersSqlTemplate, ByCampaign, ApplyMembersSql);
    private static readonly string MembersByCampaignCustomersSql = Fill(MembersSqlTemplate, ByCampaignCustomers, ApplyMembersSql);
    private static readonly string TargetedByCustomersSql = Fill(TargetedSqlTemplate, TargetedByCustomers, ApplyTargetedSql);
    private static readonly string TargetedByCampaignSql = Fill(TargetedSqlTemplate, TargetedByCampaign, ApplyTargetedSql);

    /// <summary>
    /// Takes the attribution lock for the rest of <paramref name="tx"/> (after the erasure lock, in that order everywhere):
    /// first thing in every transaction that stores facts or changes members.
    /// </summary>
    public static async Task LockAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        await tx.Connection!.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, tx, cancellationToken: ct));
    }

    /// <summary>Re-derives every membership of <paramref name="customerIds"/> (their responses, purchases or contacts changed).</summary>
    public static async Task RederiveCustomersAsync(NpgsqlTransaction tx, Guid[] customerIds, bool includeTargeted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(customerIds);
        if (customerIds.Length == 0)
        {
            return;
        }

        var parameters = new { CustomerIds = customerIds };
        await RunAsync(tx, MembersByCustomersSql, parameters, ct);
        if (includeTargeted)
        {
            await RunAsync(tx, TargetedByCustomersSql, parameters, ct);
        }
    }

    /// <summary>
    /// Adds purchases stored just now (each never seen before) to the memberships and targeted rows of their customers
    /// whose window is known; the same outcome as a re-derivation from all facts, at a fraction of the cost.
    /// </summary>
    public static async Task AddPurchasesAsync(NpgsqlTransaction tx, IReadOnlyList<StoredPurchase> purchases, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(purchases);
        if (purchases.Count == 0)
        {
            return;
        }

        var parameters = new
        {
            CustomerIds = purchases.Select(p => p.CustomerId).ToArray(),
            OccurredAts = purchases.Select(p => p.OccurredAt).ToArray(),
            NetAmounts = purchases.Select(p => p.NetAmount).ToArray(),
            Margins = purchases.Select(p => p.Margin).ToArray(),
            IsReturns = purchases.Select(p => p.IsReturn).ToArray(),
            CampaignCodes = purchases.Select(p => p.CampaignCode).ToArray(),
            PromotionCodes = purchases.Select(p => p.PromotionCode).ToArray(),
        };
        await RunAsync(tx, MembersByPurchasesFilledSql, parameters, ct);
        await RunAsync(tx, TargetedByPurchasesFilledSql, parameters, ct);
    }

    /// <summary>Re-derives the members <paramref name="customerIds"/> of campaign <paramref name="campaignId"/> (an assignment batch).</summary>
    public static async Task RederiveMembersAsync(NpgsqlTransaction tx, Guid campaignId, Guid[] customerIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(customerIds);
        if (customerIds.Length == 0)
        {
            return;
        }

        await RunAsync(tx, MembersByCampaignCustomersSql, new { CampaignId = campaignId, CustomerIds = customerIds }, ct);
        await RunAsync(tx, TargetedByCustomersSql, new { CustomerIds = customerIds }, ct);
    }

    /// <summary>Re-derives every member of campaign <paramref name="campaignId"/> (the campaign arrived after its members).</summary>
    public static async Task RederiveCampaignAsync(NpgsqlTransaction tx, Guid campaignId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var parameters = new { CampaignId = campaignId };
        await RunAsync(tx, MembersByCampaignSql, parameters, ct);
        await RunAsync(tx, TargetedByCampaignSql, parameters, ct);
    }

    private static Task<int> RunAsync(NpgsqlTransaction tx, string sql, object parameters, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(sql, parameters, tx, commandTimeout: 0, cancellationToken: ct));

    private static string Fill(string template, string scope, string apply) => template
        .Replace("{scope}", scope, StringComparison.Ordinal)
        .Replace("{apply}", apply, StringComparison.Ordinal);
}

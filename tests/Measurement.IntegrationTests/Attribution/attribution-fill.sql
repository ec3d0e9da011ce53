-- A quick fill of a Measurement database for checking the attribution's plans by hand (not run by the tests):
-- 1,000,000 members of one campaign (half treated and contacted), 111,112 responses, 5,000,000 purchases of
-- 1,250,000 customers. Run on an empty database with the platform's and Measurement's migrations applied:
--   psql -d <db> -f attribution-fill.sql
-- then derive the campaign with MemberAttribution's campaign-scope statements, and time a batch of 1,000 purchases
-- with the customer-scope statements (EXPLAIN (ANALYZE, BUFFERS)). Figures measured are in the commit message.
\timing on
INSERT INTO campaigns (id, code, name, objective, kind, launched_at, response_window_days, currency, member_count, global_control_share, cells, waves, offers)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'PERF', 'perf', 'retention', 'platform', '2026-03-01', 30, 'EUR', 1000000, 0.05, '[]', '[]', '[]');
INSERT INTO campaign_waves VALUES ('00000000-0000-0000-0000-0000000000c1', 1, 1, '2026-03-02 09:00+00');
INSERT INTO campaign_cells VALUES ('00000000-0000-0000-0000-0000000000c1', 'control', 0.5, true, NULL, 0),
                                  ('00000000-0000-0000-0000-0000000000c1', 'mail', 0.5, false, 'SAVE10', 4);
INSERT INTO members (campaign_id, customer_id, cell, wave, global_control, value_tier, deal_seeker, pre_revenue, pre_orders)
SELECT '00000000-0000-0000-0000-0000000000c1', md5(i::text)::uuid, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'mail' END, 1, i % 20 = 0,
       (ARRAY['top','middle','bottom'])[1 + i % 3], false, (i % 500)::numeric, i % 7
FROM generate_series(1, 1000000) i;
INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status)
SELECT md5('c' || i)::uuid, '00000000-0000-0000-0000-0000000000c1', md5(i::text)::uuid, 'mail', 1, 1, 'email', 'SAVE10', 0.5,
       '2026-03-02 09:00+00'::timestamptz + (i % 72) * interval '1 hour', 'dispatched'
FROM generate_series(1, 1000000, 2) i;
INSERT INTO responses (response_id, campaign_code, customer_id, channel, type, occurred_at)
SELECT md5('r' || i)::uuid, 'PERF', md5(i::text)::uuid, 'email', (ARRAY['opened','clicked','converted'])[1 + i % 3],
       '2026-03-05 09:00+00'::timestamptz + (i % 20) * interval '1 day'
FROM generate_series(1, 1000000, 9) i;
INSERT INTO purchases (transaction_id, customer_id, occurred_at, net_amount, margin, cost_known, is_return, campaign_code, promotion_code)
SELECT md5('p' || j)::uuid, md5((1 + (j * 7919) % 1250000)::text)::uuid,
       '2025-10-01 00:00+00'::timestamptz + ((j * 104729) % (300 * 24)) * interval '1 hour',
       (j % 200) + 0.99, (j % 200) / 3.0, j % 3 <> 0, j % 15 = 0, NULL, CASE WHEN j % 10 = 0 THEN 'SAVE10' END
FROM generate_series(1::bigint, 5000000::bigint) j;
VACUUM ANALYZE members; VACUUM ANALYZE contacts; VACUUM ANALYZE responses; VACUUM ANALYZE purchases;

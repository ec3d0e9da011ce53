-- The per-day purchase sums partitioned by the month of their day, so what a new event touches stays small whatever
-- the table holds: new orders are recent, and their rows go to the current month's partition, whose key index stays
-- in memory, instead of one B-tree over every customer-day ever stored (measured with 10M transactions: a batch of
-- 1,000 new orders wrote ~7 MB of WAL into that index alone, mostly full-page images of random pages). Months from two
-- years back to three months ahead have their own partition (DailyPurchasePartitionsJob keeps creating the months
-- ahead); other days go to the default partition. The key keeps its shape (the day is part of it).
ALTER TABLE customer_daily_purchases RENAME TO customer_daily_purchases_before_0010;
ALTER INDEX customer_daily_purchases_pkey RENAME TO customer_daily_purchases_before_0010_pkey;

CREATE TABLE customer_daily_purchases (
    customer_id             uuid          NOT NULL,
    day                     date          NOT NULL,
    is_return               boolean       NOT NULL,
    orders_count            integer       NOT NULL,
    gross_revenue           numeric(16,2) NOT NULL,
    net_revenue             numeric(16,2) NOT NULL,
    discount_total          numeric(16,2) NOT NULL,
    cost_total              numeric(16,2) NOT NULL,
    costed_net_revenue      numeric(16,2) NOT NULL,
    discounted_orders_count integer       NOT NULL,
    PRIMARY KEY (customer_id, day, is_return)
) PARTITION BY RANGE (day);
CREATE TABLE customer_daily_purchases_default PARTITION OF customer_daily_purchases DEFAULT;

-- Creates the monthly partitions from the month of first_day to the month of last_day that do not exist yet; a month
-- whose rows already sit in the default partition keeps them there. Returns how many it created.
CREATE FUNCTION ensure_daily_purchase_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month date;
    name text;
    created integer := 0;
BEGIN
    FOR month IN SELECT generate_series(date_trunc('month', first_day), date_trunc('month', last_day), interval '1 month')::date LOOP
        name := 'customer_daily_purchases_' || to_char(month, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        CONTINUE WHEN EXISTS (SELECT 1 FROM customer_daily_purchases_default WHERE day >= month AND day < (month + interval '1 month')::date);
        EXECUTE format('CREATE TABLE %I PARTITION OF customer_daily_purchases FOR VALUES FROM (%L) TO (%L)',
                       name, month, (month + interval '1 month')::date);
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_daily_purchase_partitions((now() - interval '2 years')::date, (now() + interval '3 months')::date);

INSERT INTO customer_daily_purchases SELECT customer_id, day, is_return, orders_count, gross_revenue, net_revenue, discount_total,
    cost_total, costed_net_revenue, discounted_orders_count FROM customer_daily_purchases_before_0010;
DROP TABLE customer_daily_purchases_before_0010;

-- Room on each page for the new version of an updated aggregate: the update then stays on its page (HOT) and adds
-- nothing to the key index. Applies to pages written from now on.
ALTER TABLE customer_purchases SET (fillfactor = 80);
ALTER TABLE customer_channel_purchases SET (fillfactor = 80);

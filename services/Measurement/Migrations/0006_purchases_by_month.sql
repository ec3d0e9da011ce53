-- Purchases partitioned by the month they occurred in (ensure_monthly_partitions, platform migration 0004), like
-- Ingestion's transactions: every purchase of every customer is kept, keyed by customer, so each new purchase landed on
-- a random page of one B-tree over all purchases ever stored. On a 20M-row table a batch of 10,000 new purchases took
-- 2,081 ms (11,303 pages read, 9,948 full-page images in the WAL); into a month of 1.05M rows, 216 ms
-- (EXPLAIN (ANALYZE, BUFFERS, WAL) after a checkpoint). The key stays (customer_id, occurred_at, transaction_id): it
-- holds the partition column, and look-ups by customer name the instants they want (attribution windows), so they read
-- the months in question. Months from two years back to three months ahead have their own partition (the daily
-- MonthlyPartitionsJob keeps creating the months ahead); other purchases go to the default partition.
-- Existing purchases are copied at upgrade (minutes for tens of millions of rows, during which the service is not ready).
ALTER TABLE purchases RENAME TO purchases_unpartitioned;
ALTER INDEX purchases_pkey RENAME TO purchases_unpartitioned_pkey;

-- The same columns (migration 0001), the same key.
CREATE TABLE purchases (LIKE purchases_unpartitioned, PRIMARY KEY (customer_id, occurred_at, transaction_id)) PARTITION BY RANGE (occurred_at);

CREATE TABLE purchases_default PARTITION OF purchases DEFAULT;

SELECT ensure_monthly_partitions('purchases', now() - interval '2 years', now() + interval '3 months');

INSERT INTO purchases SELECT * FROM purchases_unpartitioned;

DROP TABLE purchases_unpartitioned;

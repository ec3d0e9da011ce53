-- Transactions partitioned by the month they occurred in, so what a write touches stays small whatever the table
-- holds: new orders go to the current month's partition, whose indexes stay in memory, instead of two B-trees over
-- every order ever stored (their random pages each cost a read and, after every checkpoint, a full-page image in the
-- WAL). Months from two years back to three months ahead have their own partition (TransactionPartitionsJob keeps
-- creating the months ahead); older or later orders go to the default partition.
--
-- An order is identified by (source, order id) across all months: transaction_keys holds that key once per order,
-- written in the same statement as the order (its key is the ON CONFLICT arbiter), so a replay that moved the order
-- to another month is still found and compared with the stored version. Order ids of a source usually grow, so
-- inserts into this key's index stay at its right edge; transaction_id, a hash, is indexed only per month.
ALTER TABLE transactions RENAME TO transactions_before_0009;
ALTER INDEX transactions_pkey RENAME TO transactions_before_0009_pkey;
ALTER INDEX transactions_customer RENAME TO transactions_before_0009_customer;

CREATE TABLE transactions (
    transaction_id   uuid          NOT NULL,       -- DeterministicGuid.ForTransaction(source, order_id)
    source           text          NOT NULL,       -- trimmed, lower case
    order_id         text          NOT NULL,       -- trimmed
    customer_id      uuid          NOT NULL,       -- checked under ErasureLock, see 0008
    occurred_at      timestamptz   NOT NULL,
    gross_amount     numeric(14,2) NOT NULL,
    discount_amount  numeric(14,2) NOT NULL DEFAULT 0,
    cost_amount      numeric(14,2) NULL,
    currency         char(3)       NOT NULL,
    quantity         integer       NOT NULL CHECK (quantity >= 0),
    channel          text          NULL,
    category         text          NULL,
    promotion_code   text          NULL,
    campaign_code    text          NULL,
    is_return        boolean       NOT NULL,
    recorded_at      timestamptz   NOT NULL,
    PRIMARY KEY (transaction_id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX transactions_customer ON transactions (customer_id, occurred_at);
CREATE TABLE transactions_default PARTITION OF transactions DEFAULT;

CREATE TABLE transaction_keys (
    source          text        NOT NULL,
    order_id        text        NOT NULL,
    transaction_id  uuid        NOT NULL,
    occurred_at     timestamptz NOT NULL,          -- where the stored version is: its partition
    PRIMARY KEY (source, order_id)
);

-- Creates the monthly partitions of transactions from the month of first_month to the month of last_month that do
-- not exist yet; returns how many it created. A month whose orders already sit in the default partition keeps them
-- there (a partition for it could not be attached); its orders are found all the same.
CREATE FUNCTION ensure_transaction_partitions(first_month timestamptz, last_month timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month timestamp;
    name text;
    created integer := 0;
BEGIN
    FOR month IN SELECT generate_series(date_trunc('month', first_month AT TIME ZONE 'UTC'), date_trunc('month', last_month AT TIME ZONE 'UTC'), interval '1 month') LOOP
        name := 'transactions_' || to_char(month, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        CONTINUE WHEN EXISTS (SELECT 1 FROM transactions_default
                              WHERE occurred_at >= month AT TIME ZONE 'UTC' AND occurred_at < (month + interval '1 month') AT TIME ZONE 'UTC');
        EXECUTE format('CREATE TABLE %I PARTITION OF transactions FOR VALUES FROM (%L) TO (%L)',
                       name, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_transaction_partitions(now() - interval '2 years', now() + interval '3 months');

INSERT INTO transactions (transaction_id, source, order_id, customer_id, occurred_at, gross_amount, discount_amount, cost_amount,
    currency, quantity, channel, category, promotion_code, campaign_code, is_return, recorded_at)
SELECT transaction_id, source, order_id, customer_id, occurred_at, gross_amount, discount_amount, cost_amount,
    currency, quantity, channel, category, promotion_code, campaign_code, is_return, recorded_at
FROM transactions_before_0009;
INSERT INTO transaction_keys (source, order_id, transaction_id, occurred_at)
SELECT source, order_id, transaction_id, occurred_at FROM transactions_before_0009;
DROP TABLE transactions_before_0009;

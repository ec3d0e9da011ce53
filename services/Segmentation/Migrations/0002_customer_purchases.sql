-- Purchase aggregates per customer, kept from TransactionsRecorded. Every column is a count, a sum, a minimum or a
-- maximum, so events may arrive in any order; the inbox drops redeliveries, so adding is safe. Amounts are summed
-- as sent (returns are negative), assuming one currency per platform.
CREATE TABLE customer_purchases (
    customer_id        uuid          PRIMARY KEY,
    orders_count       integer       NOT NULL,   -- transactions that are not returns
    returns_count      integer       NOT NULL,
    gross_revenue      numeric(16,2) NOT NULL,   -- sum of gross amounts, returns subtracted
    net_revenue        numeric(16,2) NOT NULL,   -- sum of gross - discount, returns subtracted
    discount_total     numeric(16,2) NOT NULL,
    cost_total         numeric(16,2) NOT NULL,   -- sum of known costs
    first_purchase_at  timestamptz   NULL,       -- earliest order that is not a return
    last_purchase_at   timestamptz   NULL,       -- latest order that is not a return
    updated_at         timestamptz   NOT NULL
);

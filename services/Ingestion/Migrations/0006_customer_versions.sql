-- Versions of customer rows, assigned by the writing transaction under the row lock (never from a clock): every
-- write that changes a customer takes the next value of one sequence after it holds the row, so a later committed
-- write always carries a higher version, whatever the writers' clocks and however long a batch took to reach the
-- row. One sequence for all customers keeps versions increasing across an erasure and a later registration of the
-- same customer id. Events carry the version; consumers keep the highest.
CREATE SEQUENCE customer_versions AS bigint;

ALTER TABLE customers ADD COLUMN version bigint NULL;
UPDATE customers SET version = nextval('customer_versions');
ALTER TABLE customers
    ALTER COLUMN version SET NOT NULL,
    ALTER COLUMN version SET DEFAULT nextval('customer_versions');
ALTER SEQUENCE customer_versions OWNED BY customers.version;

-- Transactions and responses no longer check their customer with a foreign key. The key's check runs once per
-- inserted row and locks the customer's row (FOR KEY SHARE), which writes to the customers table on every write; on a
-- table of millions of transactions that was a large part of the cost of an insert. Writers check their customers
-- set-based instead (KnownCustomers) while holding Platform.Data's ErasureLock shared, and an erasure, holding it
-- exclusively, deletes the customer's transactions and responses itself (CustomerEraser): no write can slip a row
-- of an erased customer in between. Consents keep their key (they are written with the customer).
ALTER TABLE transactions DROP CONSTRAINT transactions_customer_id_fkey;
ALTER TABLE responses DROP CONSTRAINT responses_customer_id_fkey;

-- Counts erasures, so a writer that remembers customers known to exist across transactions (an import, chunk after
-- chunk) forgets them when an erasure committed in between. Taken by the erasure under the exclusive lock.
CREATE SEQUENCE customer_erasures AS bigint;

-- Customer versions come from Ingestion's database (CustomerRecord.Version), not from its clock: a profile keeps the
-- highest version, and an erasure's tombstone covers every version up to the erased record's. Rows and events from
-- before versions existed have version 0, so (version, updated_at) compared as a pair keeps the old time rule for them.
ALTER TABLE customer_profiles ADD COLUMN customer_version bigint NOT NULL DEFAULT 0;
ALTER TABLE erased_customers ADD COLUMN erased_version bigint NOT NULL DEFAULT 0;

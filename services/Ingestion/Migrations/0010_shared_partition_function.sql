-- The months of transactions are now kept by the platform's ensure_monthly_partitions (platform migration 0004), which
-- Measurement's purchases use too; this service's own copy of it goes.
DROP FUNCTION ensure_transaction_partitions(timestamptz, timestamptz);

-- Append-mostly facts (Ingestion's transactions, Measurement's purchases) are partitioned by the month they occurred
-- in, so what a write touches stays small whatever the table holds: the month's indexes stay in memory, instead of one
-- B-tree over every row ever stored (random pages read, and a full-page image in the WAL after every checkpoint).
--
-- ensure_monthly_partitions(parent, first, last) creates the partitions <parent>_YYYY_MM (UTC months) from the month
-- of first to the month of last that do not exist yet, and returns how many it created. The parent is range-
-- partitioned on one timestamptz column and has a default partition, <parent>_default, for rows of other months. A
-- month whose rows already sit in the default partition keeps them there (a partition for it could not be created);
-- they are found all the same. MonthlyPartitionsJob calls it daily for the months ahead.
CREATE FUNCTION ensure_monthly_partitions(parent regclass, first_month timestamptz, last_month timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    parent_name text := (SELECT relname FROM pg_class WHERE oid = parent);
    key_column text;
    month timestamp;
    name text;
    found_rows boolean;
    created integer := 0;
BEGIN
    SELECT a.attname INTO key_column
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF key_column IS NULL THEN
        RAISE EXCEPTION '% is not partitioned by range on one column', parent;
    END IF;
    IF to_regclass(parent_name || '_default') IS NULL THEN
        RAISE EXCEPTION '% has no default partition %_default', parent, parent_name;
    END IF;

    FOR month IN SELECT generate_series(date_trunc('month', first_month AT TIME ZONE 'UTC'), date_trunc('month', last_month AT TIME ZONE 'UTC'), interval '1 month') LOOP
        name := parent_name || '_' || to_char(month, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', parent_name || '_default', key_column, key_column)
            INTO found_rows USING month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC';
        CONTINUE WHEN found_rows;
        EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       name, parent, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

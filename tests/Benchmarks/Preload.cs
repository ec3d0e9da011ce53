using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Fills the ingest benchmark's databases with N transactions of a realistic shop, set-based in SQL: customers
/// (source <c>bench</c>, external ids <c>C0</c>…, the ids Ingestion derives from them) and their orders over three
/// years (2023-11-01 to 2026-11-01, a few customers buying much more than most, 2% returns), written straight into
/// Ingestion's tables in the shape its own code writes them (name-based ids, versions, recorded times), then the rows
/// Segmentation's consumers would have derived from the same orders (profiles, per-customer, per-day and per-channel
/// purchase aggregates) and the purchases Measurement keeps of them, so their work per new event is what it would be on
/// such a platform. Keys and indexes of the big tables are dropped during the fill and built again after it (one sort
/// instead of ten million random inserts); a marker row records N, the customers and the schema, so a later run keeps
/// what matches.
/// </summary>
internal sealed class Preload(BenchSettings settings, string ingestionDatabase, string segmentationDatabase, string measurementDatabase, string copyDatabase)
{
    /// <summary>Bumped whenever what the fill writes changes (part of the schema key).</summary>
    public const string Format = "preload-2"; // 2: Measurement's purchases filled too

    /// <summary>The preloaded orders end here; a benchmark's new orders come after it.</summary>
    public static readonly DateTimeOffset End = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private const string MarkerSql = """
        CREATE TABLE IF NOT EXISTS bench_preload (transactions bigint NOT NULL, customers integer NOT NULL, schema text NOT NULL, filled_at timestamptz NOT NULL);
        """;

    // RFC 4122 version-5 ids as DeterministicGuid computes them (SHA-1 of namespace and name; pgcrypto is a trusted
    // extension, the database's owner may create it).
    private const string FunctionsSql = """
        CREATE EXTENSION IF NOT EXISTS pgcrypto;
        CREATE FUNCTION pg_temp.uuid_from(h bytea) RETURNS uuid LANGUAGE sql IMMUTABLE AS
          $$ SELECT encode(set_byte(set_byte(h, 6, (get_byte(h, 6) & 15) | 80), 8, (get_byte(h, 8) & 63) | 128), 'hex')::uuid $$;
        CREATE FUNCTION pg_temp.uuid5(ns uuid, name text) RETURNS uuid LANGUAGE sql IMMUTABLE AS
          $$ SELECT pg_temp.uuid_from(substring(digest(decode(replace(ns::text, '-', ''), 'hex') || convert_to(name, 'UTF8'), 'sha1') FROM 1 FOR 16)) $$;
        """;

    private const string CustomersSql = """
        INSERT INTO customers (customer_id, person_id, source, external_id, lifecycle, email, country, gender, join_date, created_at, updated_at)
        SELECT id, id, 'bench', 'C' || i, 'customer', 'c' || i || '@bench.example', (ARRAY['NL','DE','BE','FR','GB','SE'])[1 + i % 6],
               CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, date '2015-01-01' + i % 3000, timestamptz '2023-10-01', timestamptz '2023-10-01'
        FROM (SELECT i, pg_temp.uuid5('6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d01', 'bench' || E'\n' || 'C' || i) AS id
              FROM generate_series(0, @Customers - 1) AS i) AS c
        ORDER BY id
        """;

    // A skewed choice of customer (power of a uniform draw: a few customers buy much more than most), orders in time order
    // as a shop's feed would have written them.
    private const string TransactionsSql = """
        INSERT INTO transactions (transaction_id, source, order_id, customer_id, occurred_at, gross_amount, discount_amount, cost_amount,
            currency, quantity, channel, category, promotion_code, campaign_code, is_return, recorded_at)
        SELECT pg_temp.uuid5('6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d02', 'bench' || E'\n' || 'P' || i), 'bench', 'P' || i,
               pg_temp.uuid5('6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d01', 'bench' || E'\n' || 'C' || idx),
               at, sign * gross, sign * discount, sign * round(gross * 0.6, 2), 'EUR', 1 + i % 3,
               (ARRAY['web','store','phone'])[1 + i % 3], (ARRAY['books','music','garden','toys','food'])[1 + i % 5],
               CASE WHEN discount > 0 THEN 'SPRING' END, NULL, sign < 0, at + interval '2 minutes'
        FROM (SELECT i, idx, at, gross, CASE WHEN i % 4 = 0 THEN round(gross * 0.2, 2) ELSE 0 END AS discount,
                     CASE WHEN i % 50 = 0 THEN -1 ELSE 1 END AS sign
              FROM (SELECT i, floor(power(random(), 1.7) * @Customers)::int AS idx,
                           timestamptz '2023-11-01' + random() * (@End - timestamptz '2023-11-01') AS at,
                           round((5 + random() * 195)::numeric, 2) AS gross
                    FROM generate_series(1, @Transactions) AS i) AS r) AS t
        ORDER BY at
        """;

    /// <summary>The baseline's table: the columns of the import file, the key of <c>transactions</c>' idempotency.</summary>
    public const string BaselineTableSql = """
        DROP TABLE IF EXISTS bench_transactions_copy;
        CREATE TABLE bench_transactions_copy (
            source text NOT NULL, order_id text NOT NULL, customer_external_id text NOT NULL, occurred_at timestamptz NOT NULL,
            gross_amount numeric(14,2) NOT NULL, discount_amount numeric(14,2) NOT NULL, cost_amount numeric(14,2),
            currency char(3) NOT NULL, quantity integer NOT NULL, channel text, category text, promotion_code text);
        """;

    private const string SegmentationRawSql = """
        DROP TABLE IF EXISTS bench_raw_transactions, bench_raw_customers;
        CREATE UNLOGGED TABLE bench_raw_transactions (customer_id uuid, occurred_at timestamptz, gross numeric, discount numeric,
            cost numeric, channel text, promotion_code text, is_return boolean);
        CREATE UNLOGGED TABLE bench_raw_customers (customer_id uuid, person_id uuid, source text, external_id text, lifecycle text,
            gender text, birth_date date, join_date date, country char(2), region text, updated_at timestamptz, version bigint, created_at timestamptz);
        """;

    // What the consumers keep (CustomersUpsertedConsumer, TransactionsRecordedConsumer), computed at once.
    private const string SegmentationSql = """
        SET work_mem = '256MB';
        INSERT INTO customer_profiles (customer_id, person_id, source, external_id, lifecycle, gender, birth_year, join_date, country, region,
            customer_updated_at, customer_version, created_at)
        SELECT customer_id, person_id, source, external_id, lifecycle, gender, extract(year FROM birth_date)::int, join_date, country, region,
               updated_at, version, created_at
        FROM bench_raw_customers ORDER BY customer_id;
        INSERT INTO customer_daily_purchases (customer_id, day, is_return, orders_count, gross_revenue, net_revenue, discount_total,
            cost_total, costed_net_revenue, discounted_orders_count)
        SELECT customer_id, (occurred_at AT TIME ZONE 'UTC')::date, is_return, count(*), sum(gross), sum(gross - discount), sum(discount),
               coalesce(sum(cost), 0), coalesce(sum(gross - discount) FILTER (WHERE cost IS NOT NULL), 0),
               count(*) FILTER (WHERE discount <> 0 OR promotion_code IS NOT NULL)
        FROM bench_raw_transactions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
        INSERT INTO customer_channel_purchases (customer_id, channel, orders_count, net_revenue)
        SELECT customer_id, coalesce(channel, 'unknown'), count(*), sum(gross - discount)
        FROM bench_raw_transactions WHERE NOT is_return GROUP BY 1, 2 ORDER BY 1, 2;
        INSERT INTO customer_purchases (customer_id, orders_count, returns_count, gross_revenue, net_revenue, discount_total, cost_total,
            costed_net_revenue, discounted_orders_count, purchase_days, first_purchase_at, last_purchase_at, updated_at)
        SELECT customer_id, count(*) FILTER (WHERE NOT is_return), count(*) FILTER (WHERE is_return), sum(gross), sum(gross - discount),
               sum(discount), coalesce(sum(cost), 0), coalesce(sum(gross - discount) FILTER (WHERE cost IS NOT NULL), 0),
               count(*) FILTER (WHERE (discount <> 0 OR promotion_code IS NOT NULL) AND NOT is_return),
               count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date) FILTER (WHERE NOT is_return),
               min(occurred_at) FILTER (WHERE NOT is_return), max(occurred_at) FILTER (WHERE NOT is_return), now()
        FROM bench_raw_transactions GROUP BY customer_id ORDER BY customer_id;
        DROP TABLE bench_raw_transactions, bench_raw_customers;
        """;

    /// <summary>True when <paramref name="database"/> exists and was filled with these figures and this schema.</summary>
    public static async Task<bool> IsCurrentAsync(BenchSettings settings, string database, long transactions, int customers, string schema)
    {
        await using (var admin = new NpgsqlConnection(settings.AdminConnectionString("postgres")))
        {
            await admin.OpenAsync();
            if (await admin.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @database", new { database }) is null)
            {
                return false;
            }
        }

        await using var db = new NpgsqlConnection(settings.AdminConnectionString(database));
        await db.OpenAsync();
        if (await db.ExecuteScalarAsync<string?>("SELECT to_regclass('bench_preload')::text") is null)
        {
            return false;
        }

        return await db.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM bench_preload WHERE transactions = @transactions AND customers = @customers AND schema = @schema)",
            new { transactions, customers, schema });
    }

    /// <summary>Fills the databases (the services have created their tables) and records the marker.</summary>
    public async Task FillAsync(long transactions, int customers, string schema)
    {
        var clock = Stopwatch.StartNew();
        await using var ingestion = new NpgsqlConnection(settings.AdminConnectionString(ingestionDatabase));
        await ingestion.OpenAsync();
        await ingestion.ExecuteAsync(FunctionsSql);
        await ingestion.ExecuteAsync("SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'");
        var parameters = new { Customers = customers, Transactions = transactions, End = Preload.End };
        Console.WriteLine($"[bench] preload: {customers:N0} customers and {transactions:N0} transactions into {ingestionDatabase}");
        await WithoutIndexesAsync(ingestion, "customers", keepKeys: true, () => ingestion.ExecuteAsync(new CommandDefinition(CustomersSql, parameters, commandTimeout: 0)));
        Console.WriteLine($"[bench] preload: customers after {clock.Elapsed.TotalSeconds:N0} s");
        await WithoutIndexesAsync(ingestion, "transactions", keepKeys: false, () => ingestion.ExecuteAsync(new CommandDefinition(TransactionsSql, parameters, commandTimeout: 0)));
        Console.WriteLine($"[bench] preload: transactions after {clock.Elapsed.TotalSeconds:N0} s");
        if (await ingestion.ExecuteScalarAsync<string?>("SELECT to_regclass('transaction_keys')::text") is not null)
        {
            // Each order's key, as TransactionWriter writes it with the order (migration 0009).
            await WithoutIndexesAsync(ingestion, "transaction_keys", keepKeys: false, () => ingestion.ExecuteAsync(new CommandDefinition(
                "INSERT INTO transaction_keys (source, order_id, transaction_id, occurred_at) SELECT source, order_id, transaction_id, occurred_at FROM transactions ORDER BY source, order_id",
                commandTimeout: 0)));
            await ingestion.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE transaction_keys", commandTimeout: 0));
            Console.WriteLine($"[bench] preload: the orders' keys after {clock.Elapsed.TotalSeconds:N0} s");
        }
        await ingestion.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE customers", commandTimeout: 0));
        await ingestion.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE transactions", commandTimeout: 0));

        await using var segmentation = new NpgsqlConnection(settings.AdminConnectionString(segmentationDatabase));
        await segmentation.OpenAsync();
        await segmentation.ExecuteAsync(SegmentationRawSql);
        await PipeAsync(ingestion, "SELECT customer_id, person_id, source, external_id, lifecycle, gender, birth_date, join_date, country, region, updated_at, version, created_at FROM customers",
            segmentation, "bench_raw_customers");
        await PipeAsync(ingestion, "SELECT customer_id, occurred_at, gross_amount::numeric, discount_amount::numeric, cost_amount::numeric, channel, promotion_code, is_return FROM transactions",
            segmentation, "bench_raw_transactions");
        await segmentation.ExecuteAsync(new CommandDefinition(SegmentationSql, commandTimeout: 0));
        await segmentation.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 0));
        Console.WriteLine($"[bench] preload: Segmentation's aggregates after {clock.Elapsed.TotalSeconds:N0} s");

        // Every purchase, as Measurement's TransactionsRecordedConsumer keeps it (net of discount, margin net of known cost).
        await using (var measurement = new NpgsqlConnection(settings.AdminConnectionString(measurementDatabase)))
        {
            await measurement.OpenAsync();
            await WithoutIndexesAsync(measurement, "purchases", keepKeys: false, () => PipeAsync(ingestion, """
                SELECT transaction_id, customer_id, occurred_at, (gross_amount - discount_amount)::numeric,
                       (gross_amount - discount_amount - coalesce(cost_amount, 0))::numeric, cost_amount IS NOT NULL, is_return,
                       campaign_code, promotion_code
                FROM transactions
                """, measurement, "purchases"));
            await measurement.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE purchases", commandTimeout: 0));
            Console.WriteLine($"[bench] preload: Measurement's purchases after {clock.Elapsed.TotalSeconds:N0} s");
        }

        // The baseline's table holds the same rows, in the shape of the import file, with its key (source, order_id).
        await using (var copy = new NpgsqlConnection(settings.AdminConnectionString(copyDatabase)))
        {
            await copy.OpenAsync();
            await copy.ExecuteAsync(BaselineTableSql);
            await PipeAsync(ingestion, "SELECT t.source, t.order_id, c.external_id, t.occurred_at, t.gross_amount, t.discount_amount, t.cost_amount, t.currency, t.quantity, t.channel, t.category, t.promotion_code FROM transactions t JOIN customers c USING (customer_id)",
                copy, "bench_transactions_copy");
            await copy.ExecuteAsync(new CommandDefinition("ALTER TABLE bench_transactions_copy ADD PRIMARY KEY (source, order_id)", commandTimeout: 0));
            await copy.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE bench_transactions_copy", commandTimeout: 0));
            Console.WriteLine($"[bench] preload: the baseline's table in {copyDatabase} after {clock.Elapsed.TotalSeconds:N0} s");
        }

        await ingestion.ExecuteAsync(MarkerSql + "DELETE FROM bench_preload; INSERT INTO bench_preload VALUES (@transactions, @customers, @schema, now())",
            new { transactions, customers, schema });
        Console.WriteLine($"[bench] preload done in {clock.Elapsed.TotalSeconds:N0} s");
    }

    /// <summary>Streams the rows of <paramref name="query"/> into <paramref name="table"/> of another database (binary COPY both ways).</summary>
    private static async Task PipeAsync(NpgsqlConnection from, string query, NpgsqlConnection to, string table)
    {
        await using var reader = await from.BeginRawBinaryCopyAsync($"COPY ({query}) TO STDOUT (FORMAT BINARY)");
        await using var writer = await to.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT BINARY)");
        await reader.CopyToAsync(writer);
    }

    /// <summary>
    /// Runs <paramref name="fill"/> with <paramref name="table"/>'s indexes dropped (and its keys and foreign keys too
    /// unless <paramref name="keepKeys"/>), then creates them again with the same definitions and names.
    /// </summary>
    private static async Task WithoutIndexesAsync(NpgsqlConnection db, string table, bool keepKeys, Func<Task> fill)
    {
        var constraints = keepKeys ? [] : (await db.QueryAsync<(string Name, string Definition, string Type)>("""
            SELECT conname, pg_get_constraintdef(oid), contype::text FROM pg_constraint
            WHERE conrelid = @table::regclass AND contype IN ('p', 'u', 'f') AND conparentid = 0
            ORDER BY contype = 'f' DESC
            """, new { table })).AsList();
        var indexes = (await db.QueryAsync<(string Name, string Definition)>("""
            SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = @table::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
            """, new { table })).AsList();
        foreach (var (name, _, _) in constraints)
        {
            await db.ExecuteAsync($"ALTER TABLE {table} DROP CONSTRAINT {name}");
        }

        foreach (var (name, _) in indexes)
        {
            await db.ExecuteAsync($"DROP INDEX {name}");
        }

        await fill();
        foreach (var (name, definition, _) in constraints.AsEnumerable().Reverse())
        {
            await db.ExecuteAsync(new CommandDefinition($"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}", commandTimeout: 0));
        }

        foreach (var (_, definition) in indexes)
        {
            // A partitioned table's index is shown ON ONLY the parent; built plainly it covers every partition.
            await db.ExecuteAsync(new CommandDefinition(definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal), commandTimeout: 0));
        }
    }
}

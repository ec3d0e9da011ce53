using Npgsql;

namespace Platform.Testing;

/// <summary>
/// What every table of a database holds, as "rows:md5 of the rows' text" per table (outbox, inbox and bookkeeping
/// tables included), so a test can assert that nothing was inserted, updated or deleted anywhere.
/// </summary>
public static class TableFingerprints
{
    /// <summary>Fingerprints of every base table outside the system schemas, keyed <c>schema.table</c>.</summary>
    public static async Task<SortedDictionary<string, string>> OfAsync(TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync();
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT table_schema, table_name FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (schema, name) in tables)
        {
            var quoted = $"\"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\".\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var count = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM {quoted} t", connection);
            fingerprints[$"{schema}.{name}"] = (string)(await count.ExecuteScalarAsync())!;
        }

        return fingerprints;
    }
}

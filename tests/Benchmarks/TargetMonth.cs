using System.Globalization;
using Dapper;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// The month whose orders a run of the ingest benchmark writes. Ingestion keeps transactions in monthly partitions, so
/// what a write costs depends on the rows of the month it goes into, not on the whole table. Earlier runs all wrote into
/// the month after the preloaded years, which after fifteen runs held 16M orders — more than the preloaded three years
/// together, a shape no shop has. Unless <c>--month YYYY-MM</c> names one, each run takes the month (with a partition
/// of its own, wholly in the past) that holds the fewest orders: at first the empty month after the preload, later one
/// of the preloaded months (~280k orders each at 10M over three years) — a month's feed or a late backfill of one.
/// </summary>
internal static class TargetMonth
{
    /// <summary>Orders are spread over this many days from the month's start.</summary>
    public const int Days = 28;

    public static async Task<(DateTimeOffset Start, long StoredBefore)> ChooseAsync(string connectionString, string? forced)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var months = (await db.QueryAsync<(string Name, long Rows)>("""
            SELECT c.relname, GREATEST(c.reltuples, 0)::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'transactions' AND c.relname ~ '^transactions_[0-9]{4}_[0-9]{2}$'
            """)).Select(m => (Start: DateTimeOffset.ParseExact(m.Name["transactions_".Length..], "yyyy_MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), m.Rows))
            .Where(m => m.Start.AddDays(Days) <= DateTimeOffset.UtcNow)
            .ToList();
        var chosen = forced is null
            ? months.OrderBy(m => m.Rows).ThenByDescending(m => m.Start).FirstOrDefault()
            : months.FirstOrDefault(m => m.Start == DateTimeOffset.ParseExact(forced, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        if (chosen == default)
        {
            throw new InvalidOperationException(forced is null ? "no month partition of transactions lies in the past" : $"--month {forced}: no partition of that month in the past");
        }

        // The estimate chose; the count is what is reported.
        var stored = await db.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM transactions_{chosen.Start:yyyy_MM}", commandTimeout: 0));
        return (chosen.Start, stored);
    }
}

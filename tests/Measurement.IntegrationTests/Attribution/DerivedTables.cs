using System.Globalization;
using Dapper;
using Platform.Testing;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>What the attribution derived (members, statistics, targeted customers) as sorted text, numbers compared by value (90.00 = 90).</summary>
internal static class DerivedTables
{
    private static readonly string[] Queries =
    [
        "SELECT campaign_id, customer_id, cell, wave, window_start, window_end, contacted, contacted_steps, responded_steps, reached, responded, converted, redeemed, orders, revenue, margin, contact_cost, offer_cost, first_purchase_at, active_after_90 FROM members",
        "SELECT * FROM cell_stats WHERE members <> 0",
        "SELECT * FROM step_stats",
        "SELECT * FROM step_responders WHERE responders <> 0",
        "SELECT * FROM targeted_customers",
        "SELECT * FROM global_control_stats WHERE customers <> 0",
    ];

    public static async Task<List<string>> OfAsync(ServiceTestHost<Program> host)
    {
        var rows = new List<string>();
        await using var connection = await host.Database.OpenAsync();
        foreach (var sql in Queries)
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync(sql))
            {
                rows.Add(sql[sql.IndexOf(" FROM ", StringComparison.Ordinal)..] + ": " + string.Join(',', row.Select(c => $"{c.Key}={Text(c.Value)}")));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        DateTime t => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

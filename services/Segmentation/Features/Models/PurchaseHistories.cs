using System.Runtime.InteropServices;
using Npgsql;

namespace Segmentation.Features.Models;

/// <summary>One customer's purchase days up to an end date, summarised the standard way for BG/NBD and Gamma-Gamma.</summary>
public readonly record struct CustomerHistory(Guid CustomerId, PurchaseHistory History);

/// <summary>
/// Reads every customer's purchase days (<c>customer_daily_purchases</c>, orders only) up to an end day and builds the
/// calibration summary: several orders on one UTC day are one purchase day; x = purchase days − 1; t_x = last − first
/// purchase day; T = end − first purchase day (in the fit's time unit); average repeat spend = mean net value of the
/// purchase days after the first. One sequential scan, aggregated in memory (a few tens of bytes per customer).
/// </summary>
public static class PurchaseHistories
{
    private const string Sql = """
        SELECT customer_id, day, net_revenue FROM customer_daily_purchases WHERE NOT is_return AND day <= @End
        """;

    /// <summary>Days per time unit: <c>day</c> = 1, <c>week</c> = 7.</summary>
    public static double UnitDays(string timeUnit) => timeUnit switch
    {
        "day" => 1,
        "week" => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(timeUnit), timeUnit, "day or week"),
    };

    /// <summary>The summaries of all customers with a purchase on or before <paramref name="end"/>, in no particular order.</summary>
    public static async Task<List<CustomerHistory>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, DateOnly end, string timeUnit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var unit = UnitDays(timeUnit);
        var customers = new Dictionary<Guid, Accumulator>();
        await using (var command = new NpgsqlCommand(Sql, connection, tx))
        {
            command.Parameters.AddWithValue("End", end);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Add(customers, reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1).DayNumber, (double)reader.GetDecimal(2));
            }
        }

        var endDay = end.DayNumber;
        var result = new List<CustomerHistory>(customers.Count);
        foreach (var (id, a) in customers)
        {
            var x = a.Days - 1;
            var repeatSpend = x > 0 ? (a.TotalNet - a.FirstNet) / x : 0;
            result.Add(new CustomerHistory(id, new PurchaseHistory(x, (a.LastDay - a.FirstDay) / unit, (endDay - a.FirstDay) / unit, repeatSpend)));
        }

        return result;
    }

    private static void Add(Dictionary<Guid, Accumulator> customers, Guid id, int day, double net)
    {
        ref var a = ref CollectionsMarshal.GetValueRefOrAddDefault(customers, id, out var exists);
        if (!exists)
        {
            a = new Accumulator { FirstDay = day, LastDay = day, FirstNet = net };
        }
        else if (day < a.FirstDay)
        {
            a.FirstDay = day;
            a.FirstNet = net;
        }

        a.LastDay = Math.Max(a.LastDay, day);
        a.Days++;
        a.TotalNet += net;
    }

    private struct Accumulator
    {
        public int FirstDay;
        public int LastDay;
        public int Days;
        public double TotalNet;
        public double FirstNet;
    }
}

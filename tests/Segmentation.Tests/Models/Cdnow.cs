using System.Globalization;
using Segmentation.Features.Models;

namespace Segmentation.Tests.Models;

/// <summary>The CDNOW reference data (../shared/data/cdnow): raw transactions and the published calibration summary.</summary>
internal static class Cdnow
{
    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    /// <summary>Published parameters (Fader, Hardie &amp; Lee 2005).</summary>
    public static readonly BgNbdParameters PublishedBgNbd = new(0.243, 4.414, 0.793, 2.426);

    private static readonly Lazy<IReadOnlyDictionary<int, PurchaseHistory>> Transactions = new(() => Summarise(ReadTransactions()));
    private static readonly Lazy<IReadOnlyDictionary<int, PurchaseHistory>> Published = new(ReadPublishedSummary);

    /// <summary>Calibration summary per customer (sample_id) built from CDNOW_sample.txt, in weeks, with the average repeat spend.</summary>
    public static IReadOnlyDictionary<int, PurchaseHistory> FromTransactions => Transactions.Value;

    /// <summary>cdnow_customers_summary.csv (ID, frequency, recency, T in weeks rounded to 2 decimals).</summary>
    public static IReadOnlyDictionary<int, PurchaseHistory> PublishedSummary => Published.Value;

    private static string DataFile(string name) =>
        Platform.Testing.ReferenceData.Path("cdnow", name);

    private static List<(int Customer, DateOnly Day, double Dollars)> ReadTransactions()
    {
        var rows = new List<(int, DateOnly, double)>();
        foreach (var line in File.ReadLines(DataFile("CDNOW_sample.txt")))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            // master_id sample_id yyyymmdd number_of_cds dollar_value; the customer is sample_id.
            var customer = int.Parse(fields[1], CultureInfo.InvariantCulture);
            var day = DateOnly.ParseExact(fields[2], "yyyyMMdd", CultureInfo.InvariantCulture);
            var dollars = double.Parse(fields[4], CultureInfo.InvariantCulture);
            rows.Add((customer, day, dollars));
        }

        return rows;
    }

    /// <summary>The README's rule: calibration up to 1997-09-30 inclusive, purchase days not rows, weeks = days / 7.</summary>
    private static Dictionary<int, PurchaseHistory> Summarise(List<(int Customer, DateOnly Day, double Dollars)> transactions)
    {
        var result = new Dictionary<int, PurchaseHistory>();
        foreach (var customer in transactions.GroupBy(t => t.Customer))
        {
            var days = customer
                .Where(t => t.Day <= CalibrationEnd)
                .GroupBy(t => t.Day)
                .Select(d => (Day: d.Key, Dollars: d.Sum(t => t.Dollars)))
                .OrderBy(d => d.Day)
                .ToList();
            var first = days[0].Day;
            var last = days[^1].Day;
            var repeatDays = days.Skip(1).ToList();
            result[customer.Key] = new PurchaseHistory(
                repeatDays.Count,
                (last.DayNumber - first.DayNumber) / 7.0,
                (CalibrationEnd.DayNumber - first.DayNumber) / 7.0,
                repeatDays.Count > 0 ? repeatDays.Average(d => d.Dollars) : double.NaN);
        }

        return result;
    }

    private static Dictionary<int, PurchaseHistory> ReadPublishedSummary()
    {
        var result = new Dictionary<int, PurchaseHistory>();
        foreach (var line in File.ReadLines(DataFile("cdnow_customers_summary.csv")).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            result[int.Parse(f[0], CultureInfo.InvariantCulture)] = new PurchaseHistory(
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                double.Parse(f[3], CultureInfo.InvariantCulture));
        }

        return result;
    }
}

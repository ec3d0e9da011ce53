using System.Globalization;
using System.Text;

namespace Platform.Testing;

/// <summary>The CDNOW sample (<c>../shared/data/cdnow/CDNOW_sample.txt</c>) as an Ingestion transactions CSV.</summary>
public static class CdnowSample
{
    /// <summary>Where the reference file is, beside the checkout.</summary>
    public static string Path { get; } = ReferenceData.Path("cdnow", "CDNOW_sample.txt");

    /// <summary>
    /// One CSV row per raw transaction (source <c>cdnow</c>, order id = line number, customer = sample id, midnight UTC of
    /// the purchase date, dollar value as gross amount, number of CDs as quantity) and the sum of the dollar values.
    /// </summary>
    public static async Task<(string Csv, decimal Total, int Rows)> TransactionsCsvAsync()
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"the CDNOW sample is expected at {Path}", Path);
        }

        var csv = new StringBuilder("source,order_id,customer_external_id,occurred_at,gross_amount,quantity\n");
        var total = 0m;
        var line = 0;
        foreach (var raw in await File.ReadAllLinesAsync(Path))
        {
            var f = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            line++;
            csv.Append(CultureInfo.InvariantCulture, $"cdnow,{line},{f[1]},{f[2][..4]}-{f[2][4..6]}-{f[2][6..]}T00:00:00Z,{f[4]},{f[3]}\n");
            total += decimal.Parse(f[4], CultureInfo.InvariantCulture);
        }

        return (csv.ToString(), total, line);
    }
}

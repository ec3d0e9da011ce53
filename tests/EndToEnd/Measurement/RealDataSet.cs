using System.Globalization;
using System.IO.Compression;
using Platform.Testing;

namespace EndToEnd.RealData;

/// <summary>
/// A randomized test from <c>../shared/data/campaigns</c> (or its copy in <c>tests/data/campaigns</c>) as an external
/// campaign: its treated cells, when it started, the channels of its contacts and responses, and all of its rows.
/// </summary>
public sealed record RealDataSet(string Name, string Source, string[] TreatedCells, DateTimeOffset StartedAt, string ContactChannel, string ResponseChannel, IReadOnlyList<RealDataRow> Rows)
{
    /// <summary>
    /// MineThatData's e-mail test (Hillstrom 2008): men's e-mail, women's e-mail or none; visit, conversion and spend in
    /// the two weeks after; <c>history</c> (prior-year spend) as the covariate.
    /// </summary>
    public static async Task<RealDataSet> HillstromAsync()
    {
        var rows = new List<RealDataRow>();
        await foreach (var (number, fields, header) in ReadAsync("hillstrom.csv.gz"))
        {
            // history_segment is quoted when it holds a comma ("7) $1,000 +"); the fields after it are never quoted.
            var shift = fields.Length - header.Length;
            string Field(string name) => fields[Array.IndexOf(header, name) + shift];
            var cell = Field("segment") switch { "Mens E-Mail" => "mens_email", "Womens E-Mail" => "womens_email", _ => "control" };
            rows.Add(new RealDataRow(number, cell, decimal.Parse(Field("history"), CultureInfo.InvariantCulture),
                Field("visit") == "1", Field("conversion") == "1", decimal.Parse(Field("spend"), CultureInfo.InvariantCulture)));
        }

        return new RealDataSet("hillstrom", "hillstrom", ["mens_email", "womens_email"], new DateTimeOffset(2008, 3, 3, 0, 0, 0, TimeSpan.Zero), "email", "email", rows);
    }

    /// <summary>
    /// Gerber et al. (2014), Wisconsin: a letter or none before the June 2012 recall election; turnout in the recall
    /// (<c>vs_12_update</c>) as a <c>converted</c> response. <paramref name="name"/> is wi_ballot_secrecy or
    /// wi_group_competition; the latter carries the count of the 36 earlier elections voted in (2000–2011) as covariate.
    /// </summary>
    public static async Task<RealDataSet> WisconsinAsync(string name)
    {
        var rows = new List<RealDataRow>();
        var withHistory = name == "wi_group_competition";
        await foreach (var (number, fields, header) in ReadAsync(name + ".csv.gz"))
        {
            string Field(string column) => fields[Array.IndexOf(header, column)];
            var history = withHistory
                ? header.Select((column, i) => (column, i))
                    .Count(c => c.column.Length == 12 && c.column[..3] is "vg_" or "vp_" or "vs_" && c.column.EndsWith("_update", StringComparison.Ordinal)
                               && int.Parse(c.column[3..5], CultureInfo.InvariantCulture) <= 11 && fields[c.i] == "1")
                : 0;
            var voted = Field("vs_12_update") == "1";
            rows.Add(new RealDataRow(number, Field("treat") == "1" ? "letter" : "control", history, Visited: false, Converted: voted, Spend: 0m));
        }

        var source = name.Replace('_', '-');
        return new RealDataSet(name, source, ["letter"], new DateTimeOffset(2012, 5, 22, 0, 0, 0, TimeSpan.Zero), "direct_mail", "mail", rows);
    }

    private static async IAsyncEnumerable<(int Number, string[] Fields, string[] Header)> ReadAsync(string file)
    {
        await using var gzip = new GZipStream(File.OpenRead(ReferenceData.Path("campaigns", file)), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var header = (await reader.ReadLineAsync())!.Split(',').Select(h => h.Trim('"')).ToArray();
        var number = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            yield return (++number, line.Split(','), header);
        }
    }
}

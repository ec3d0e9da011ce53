using System.Text.Json;
using Platform.Numerics.Statistics;

namespace EndToEnd.RealData;

/// <summary>
/// The statistics library on the same real data without the services: sufficient statistics summed from the raw rows
/// give the reference figures. When the end-to-end comparison fails, this tells whether the statistics or the way the
/// rows travelled through the platform differ from the reference.
/// </summary>
public sealed class RealDataStatisticsTests
{
    public static TheoryData<string> DataSets => new() { "hillstrom", "wi_ballot_secrecy", "wi_group_competition" };

    [Theory]
    [MemberData(nameof(DataSets))]
    public async Task Comparisons_OnTheRawRowsSufficientStatistics_GiveTheReferenceFigures(string name)
    {
        var data = name == "hillstrom" ? await RealDataSet.HillstromAsync() : await RealDataSet.WisconsinAsync(name);
        var reference = ReferenceResults.For(name);
        var control = data.Rows.Where(r => r.Cell == "control").ToList();
        foreach (var cell in reference.GetProperty("lifts").EnumerateObject())
        {
            var treated = data.Rows.Where(r => r.Cell == cell.Name).ToList();
            foreach (var metric in cell.Value.EnumerateObject())
            {
                Func<RealDataRow, double> outcome = metric.Name switch
                {
                    "responseRate" => r => r.Visited || r.Converted ? 1 : 0,
                    "conversionRate" => r => r.Converted ? 1 : 0,
                    _ => r => (double)r.Spend,
                };
                var isRate = metric.Name != "revenuePerCustomer";
                var (c, t) = (Sum(control, outcome), Sum(treated, outcome));
                Check(metric.Value.GetProperty("unadjusted"), isRate ? Comparisons.Rates(c, t) : Comparisons.Means(c, t), $"{name}.{cell.Name}.{metric.Name}");
                if (metric.Value.TryGetProperty("cuped", out var cuped))
                {
                    Check(cuped, Comparisons.Cuped(c, t, isRate), $"{name}.{cell.Name}.{metric.Name}.cuped");
                }
            }
        }
    }

    private static Moments Sum(List<RealDataRow> rows, Func<RealDataRow, double> outcome) => rows.Aggregate(new Moments(0, 0, 0), (m, r) =>
    {
        var (y, x) = (outcome(r), (double)r.Covariate);
        return m + new Moments(1, y, y * y, x, x * x, x * y);
    });

    private static void Check(JsonElement expected, Lift actual, string what)
    {
        ResultsAssert.Near(expected.GetProperty("absolute").GetDouble(), actual.Absolute, what + ".absolute");
        ResultsAssert.Near(expected.GetProperty("absoluteInterval")[0].GetDouble(), actual.AbsoluteInterval.Lower, what + ".absoluteInterval.lower");
        ResultsAssert.Near(expected.GetProperty("absoluteInterval")[1].GetDouble(), actual.AbsoluteInterval.Upper, what + ".absoluteInterval.upper");
        ResultsAssert.Near(expected.GetProperty("relative").GetDouble(), actual.Relative!.Value, what + ".relative");
        ResultsAssert.Near(expected.GetProperty("relativeInterval")[0].GetDouble(), actual.RelativeInterval!.Value.Lower, what + ".relativeInterval.lower");
        ResultsAssert.Near(expected.GetProperty("relativeInterval")[1].GetDouble(), actual.RelativeInterval!.Value.Upper, what + ".relativeInterval.upper");
        ResultsAssert.Near(expected.GetProperty("sequentialInterval")[0].GetDouble(), actual.SequentialInterval!.Value.Lower, what + ".sequentialInterval.lower");
        ResultsAssert.Near(expected.GetProperty("sequentialInterval")[1].GetDouble(), actual.SequentialInterval!.Value.Upper, what + ".sequentialInterval.upper");
        ResultsAssert.Near(expected.GetProperty("standardError").GetDouble(), actual.StandardError, what + ".standardError");
        ResultsAssert.Near(expected.GetProperty("statistic").GetDouble(), actual.Statistic, what + ".statistic");
        ResultsAssert.Near(expected.GetProperty("pValue").GetDouble(), actual.PValue, what + ".pValue");
        if (expected.TryGetProperty("degreesOfFreedom", out var df))
        {
            ResultsAssert.Near(df.GetDouble(), actual.DegreesOfFreedom!.Value, what + ".degreesOfFreedom");
        }
    }
}

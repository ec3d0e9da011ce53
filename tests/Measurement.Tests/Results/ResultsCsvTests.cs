using Measurement.Features.Results;
using Platform.ServiceDefaults.Csv;
using Sylvan.Data.Csv;

namespace Measurement.Tests.Results;

public sealed class ResultsCsvTests
{
    [Fact]
    public async Task Write_QuotesWhatNeedsIt_EmptyForUndefined_ReadsBackInTheDialect()
    {
        var rows = new[]
        {
            new ResultsCsvRow("a", "money.costPerIncrementalAcquisition", 12.5, 10, null, null, null, "total cost / increment, \"inverted\""),
            new ResultsCsvRow("", "health.sampleRatio.chiSquare", 0.25, null, null, 0.88, null, "chi-square"),
        };
        var text = new StringWriter();

        await ResultsCsv.WriteAsync(text, rows, CancellationToken.None);

        using var reader = CsvDataReader.Create(new StringReader(text.ToString()), CsvDialect.ReaderOptions(4096));
        Assert.True(reader.Read());
        Assert.Equal("12.5", reader.GetString(2));
        Assert.Equal("", reader.GetString(4));
        Assert.Equal("total cost / increment, \"inverted\"", reader.GetString(7));
        Assert.True(reader.Read());
        Assert.Equal("", reader.GetString(0));
        Assert.Equal("0.88", reader.GetString(5));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Rows_OfALift_GiveAbsoluteSequentialAndRelative()
    {
        var input = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("control", 100, 5, 2, 100, 5000), ResultsInputs.Row("a", 100, 9, 4, 200, 9000)]);
        var results = ResultsCalculator.Compute(input, ResultsQuery.Default);

        var rows = ResultsCsv.Rows(results).Where(r => r.Cell == "a" && r.Metric.StartsWith("lift.conversionRate.", StringComparison.Ordinal)).ToList();

        Assert.Equal(["lift.conversionRate.absolute", "lift.conversionRate.absoluteSequential", "lift.conversionRate.relative"], rows.Select(r => r.Metric));
        var lift = results.Lifts[0].Metrics.Single(m => m.Metric == "conversionRate").Unadjusted!;
        Assert.Equal(lift.HolmPValue, rows[0].HolmPValue);
        Assert.Equal(lift.SequentialInterval!.Upper, rows[1].Upper);
        Assert.Equal(lift.RelativeMethod, rows[2].Method);
    }
}

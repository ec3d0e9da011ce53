using Measurement.Features.Results;

namespace Measurement.Tests.Results;

public sealed class ResultsCalculatorTests
{
    [Fact]
    public void Compute_CellsWithoutMoney_GivesFiguresWithoutFailing()
    {
        var input = ResultsInputs.Campaign("cross_sell", [ResultsInputs.Row("control", 1000, 50, 20), ResultsInputs.Row("a", 1100, 80, 30)]);

        var results = ResultsCalculator.Compute(input, ResultsQuery.Default);

        Assert.Equal(2, results.Cells.Count);
    }
}

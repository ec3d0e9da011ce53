using Measurement.Features.Results;
using Microsoft.Extensions.Primitives;
using Platform.ServiceDefaults;

namespace Measurement.Tests.Results;

public sealed class ResultsQueryTests
{
    [Fact]
    public void Parse_Nothing_GivesTheDefaults()
    {
        var query = ResultsQuery.Parse([], allowWinsorize: true, new ValidationErrors());

        Assert.Equal(ResultsQuery.Default, query);
        Assert.Equal(0.95, query!.LiftOptions.Confidence);
        Assert.Equal(5000, query.LiftOptions.SequentialTuning);
    }

    [Fact]
    public void Parse_GoodValues_AreTaken()
    {
        var query = ResultsQuery.Parse(Query(("confidence", "0.9"), ("sequentialTuning", "1e4"), ("winsorize", "0.99")), allowWinsorize: true, new ValidationErrors());

        Assert.Equal(new ResultsQuery(0.9, 10_000, 0.99), query);
    }

    [Theory]
    [InlineData("confidence", "0.4")]
    [InlineData("confidence", "1")]
    [InlineData("confidence", "Infinity")]
    [InlineData("confidence", "0,9")]
    [InlineData("sequentialTuning", "0.5")]
    [InlineData("sequentialTuning", "")]
    [InlineData("winsorize", "1")]
    [InlineData("winsorize", "NaN")]
    [InlineData("other", "1")]
    public void Parse_BadValue_IsNamed(string name, string value)
    {
        var errors = new ValidationErrors();

        Assert.Null(ResultsQuery.Parse(Query((name, value)), allowWinsorize: true, errors));
        Assert.True(errors.ToDictionary().ContainsKey(name));
    }

    [Fact]
    public void Parse_WinsorizeWhereNotOffered_AndRepeatedValues_AreNamed_KnownParametersLeftToTheCaller()
    {
        var errors = new ValidationErrors();
        var values = new Dictionary<string, StringValues> { ["winsorize"] = "0.9", ["confidence"] = new(["0.9", "0.95"]), ["campaign"] = "x" };

        Assert.Null(ResultsQuery.Parse(values, allowWinsorize: false, errors, "campaign"));
        Assert.Equal(["confidence", "winsorize"], errors.ToDictionary().Keys.Order());
    }

    private static Dictionary<string, StringValues> Query(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => new StringValues(v.Value));
}

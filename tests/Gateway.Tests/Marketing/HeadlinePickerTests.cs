using System.Text.Json;
using Gateway.Features.Marketing;

namespace Gateway.Tests.Marketing;

public sealed class HeadlinePickerTests
{
    [Fact]
    public void BestCell_HasTheLargestResponseLift_AndBringsItsRoi()
    {
        using var headline = JsonDocument.Parse("""
            {"campaign":{"id":"0190a5b4-7c1e-7000-8000-000000000001"},
             "cells":[
               {"cell":"mail","responseLift":{"absolute":0.066},"roi":{"value":1.7}},
               {"cell":"mail_call","responseLift":{"absolute":0.077},"roi":{"value":-0.016}},
               {"cell":"sms","responseLift":null,"roi":null}],
             "sampleRatioMismatch":true,"sampleRatioPValue":0.0002,"controlContacted":false}
            """);

        var view = HeadlinePicker.Of(headline.RootElement);

        Assert.Equal("mail_call", view.BestCell);
        Assert.Equal(0.077, view.ResponseLift!.Value.GetProperty("absolute").GetDouble());
        Assert.Equal(-0.016, view.Roi!.Value.GetProperty("value").GetDouble());
        Assert.True(view.SampleRatioMismatch);
        Assert.Equal(0.0002, view.SampleRatioPValue);
        Assert.False(view.ControlContacted);
    }

    [Fact]
    public void NoCellWithALift_NoBestCell_HealthStillGiven()
    {
        using var headline = JsonDocument.Parse("""{"cells":[{"cell":"a","responseLift":null}],"sampleRatioMismatch":false,"sampleRatioPValue":null,"controlContacted":true}""");

        var view = HeadlinePicker.Of(headline.RootElement);

        Assert.Null(view.BestCell);
        Assert.Null(view.ResponseLift);
        Assert.Null(view.SampleRatioPValue);
        Assert.True(view.ControlContacted);
    }

    [Fact]
    public void EqualLifts_TheFirstListedWins()
    {
        using var headline = JsonDocument.Parse("""{"cells":[{"cell":"a","responseLift":{"absolute":0.01}},{"cell":"b","responseLift":{"absolute":0.01}}]}""");

        Assert.Equal("a", HeadlinePicker.Of(headline.RootElement).BestCell);
    }
}

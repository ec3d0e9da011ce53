using Measurement.Features.Results;

namespace Measurement.Tests.Results;

public sealed class StepFiguresTests
{
    [Fact]
    public void Steps_CountMadeAndBlockedContacts_ByChannelAndReason_WithRespondersAmongContacted()
    {
        var steps = new[]
        {
            new StepStatsRow("a", 1, 1, "email", "dispatched", "", 80, 8),
            new StepStatsRow("a", 2, 1, "email", "dispatched", "", 20, 2),
            new StepStatsRow("a", 1, 1, "direct_mail", "exported", "", 10, 9),
            new StepStatsRow("a", 1, 1, "", "blocked", "no_consent", 7, 0),
            new StepStatsRow("a", 1, 1, "email", "blocked", "frequency_cap", 3, 0),
            new StepStatsRow("a", 1, 2, "outbound_call", "dispatched", "", 40, 120),
        };
        var responders = new[] { new StepResponderRow("a", 1, 11), new StepResponderRow("a", 2, 4) };

        var cell = CellCalculator.Compute("a", null, [ResultsInputs.Row("a", 120, 15, 5)], null, steps, responders, ResultsQuery.Default);

        Assert.Equal([1, 2], cell.BySteps.Select(s => s.Step));
        var first = cell.BySteps[0];
        Assert.Equal(110, first.Contacted);
        Assert.Equal(100, first.Dispatched);
        Assert.Equal(10, first.Exported);
        Assert.Equal(10, first.Blocked);
        Assert.Equal(7, first.BlockedByReason["no_consent"]);
        Assert.Equal(3, first.BlockedByReason["frequency_cap"]);
        Assert.Equal(19, first.Cost);
        Assert.Equal([("direct_mail", 10L), ("email", 100L)], first.Channels.Select(c => (c.Channel, c.Contacts)));
        Assert.Equal(11, first.Responders);
        Assert.Equal(0.1, first.ResponseRateAmongContacted.Value!.Value, 12);
        Assert.Equal(4.0 / 40, cell.BySteps[1].ResponseRateAmongContacted.Value!.Value, 12);
    }
}

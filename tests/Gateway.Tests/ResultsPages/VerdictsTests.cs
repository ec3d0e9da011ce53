using Gateway.Features.ResultsPages;

namespace Gateway.Tests.ResultsPages;

public sealed class VerdictsTests
{
    [Fact]
    public void Cell_IntervalAboveZero_Raised()
    {
        Assert.Equal("Mail then call raised the response rate by 4.1 points (95% CI 2.3 to 5.9) over control.",
            Verdicts.Cell("Mail then call", 0.041, 0.023, 0.059, 0.95));
    }

    [Fact]
    public void Cell_IntervalBelowZero_Lowered()
    {
        Assert.Equal("sms lowered the response rate by 1.2 points (90% CI -2.0 to -0.4) against control.",
            Verdicts.Cell("sms", -0.012, -0.02, -0.004, 0.9));
    }

    [Fact]
    public void Cell_IntervalAcrossZero_NotDistinguishableFromNoEffect()
    {
        Assert.Equal("mail changed the response rate by +0.5 points (95% CI -0.3 to 1.3) against control: not distinguishable from no effect.",
            Verdicts.Cell("mail", 0.005, -0.003, 0.013, 0.95));
        Assert.Equal("mail: too few members yet to compare its response rate with control.", Verdicts.Cell("mail", null, null, null, 0.95));
    }

    [Fact]
    public void Health_InPlainWords()
    {
        Assert.Equal((true, "The cells got the shares they were designed for (sample-ratio test p = 0.43)."), Verdicts.SampleRatio(false, 0.43, 0.001));
        var (ok, text) = Verdicts.SampleRatio(true, 0.00002, 0.001);
        Assert.False(ok);
        Assert.StartsWith("Warning: the cells' sizes differ from the design (sample-ratio mismatch, p = < 0.001", text, StringComparison.Ordinal);
        Assert.Equal((true, "No control member was contacted."), Verdicts.ControlContacts(false, 0, 0));
        Assert.StartsWith("Warning: 12 contacts were made to control members (10 in the campaign's control, 2 in the global control)",
            Verdicts.ControlContacts(true, 10, 2).Text, StringComparison.Ordinal);
        Assert.Equal("The test is healthy.", Verdicts.Health(true));
        Assert.StartsWith("Warning:", Verdicts.Health(false), StringComparison.Ordinal);
        Assert.Equal("With these sizes, mail can detect a response-rate lift of 3.7 points or more (power 80%, α 5% two-sided).", Verdicts.Detectable("mail", 0.037, 0.8, 0.05));
    }
}

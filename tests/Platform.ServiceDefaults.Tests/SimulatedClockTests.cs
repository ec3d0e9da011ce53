using Platform.Data.Time;

namespace Platform.ServiceDefaults.Tests;

/// <summary>The simulated clock: starts where configured, runs on with real time, moves forward only.</summary>
public sealed class SimulatedClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Now_IsStartPlusRealTimeElapsed()
    {
        var real = new SteppedTime();
        var clock = new SimulatedClock(Start, real);
        Assert.Equal(Start, clock.GetUtcNow());

        real.Step(TimeSpan.FromSeconds(90));
        Assert.Equal(Start.AddSeconds(90), clock.GetUtcNow());
    }

    [Fact]
    public void AdvanceTo_JumpsForward_ThenTimeRunsOnFromThere()
    {
        var real = new SteppedTime();
        var clock = new SimulatedClock(Start, real);

        Assert.True(clock.AdvanceTo(Start.AddDays(7)));
        Assert.Equal(Start.AddDays(7), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromDays(7), clock.Jumped);

        real.Step(TimeSpan.FromSeconds(3));
        Assert.Equal(Start.AddDays(7).AddSeconds(3), clock.GetUtcNow());
    }

    [Fact]
    public void AdvanceTo_NowOrEarlier_IsRefused_AndChangesNothing()
    {
        var real = new SteppedTime();
        var clock = new SimulatedClock(Start, real);
        clock.AdvanceTo(Start.AddDays(2));

        Assert.False(clock.AdvanceTo(Start.AddDays(1)));
        Assert.False(clock.AdvanceTo(Start.AddDays(2)));
        Assert.Equal(Start.AddDays(2), clock.GetUtcNow());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(" ", null)]
    [InlineData("2026-01-05T09:00:00Z", "2026-01-05T09:00:00+00:00")]
    [InlineData("2026-01-05T10:00:00+01:00", "2026-01-05T09:00:00+00:00")]
    public void ParseStart_ReadsTheConfiguredTimestamp(string? configured, string? expected)
    {
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SimulatedClock.ParseStart(configured));
    }

    [Fact]
    public void ParseStart_Garbage_IsAConfigurationError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SimulatedClock.ParseStart("next tuesday"));
        Assert.Contains("Clock__Start", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Real time as the test steps it: only the timestamp source the simulated clock measures elapsed time with.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks = 1_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Step(TimeSpan by) => _ticks += by.Ticks;
    }
}

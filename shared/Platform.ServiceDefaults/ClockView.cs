using Platform.Data.Time;

namespace Platform.ServiceDefaults;

/// <summary>What <c>/admin/clock</c> answers: the simulated now, the configured start, and the total forward jumps.</summary>
public sealed record ClockView(DateTimeOffset Now, DateTimeOffset Start, TimeSpan Jumped)
{
    /// <summary>The clock's current state.</summary>
    public static ClockView Of(SimulatedClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new ClockView(clock.GetUtcNow(), clock.Start, clock.Jumped);
    }
}

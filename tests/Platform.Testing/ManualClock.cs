namespace Platform.Testing;

/// <summary>
/// A clock a test sets and moves forward: what the code under test reads as "now" (due times, leases, backoff). Timers
/// and delays stay real, so background loops keep polling while the test decides what time it is.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

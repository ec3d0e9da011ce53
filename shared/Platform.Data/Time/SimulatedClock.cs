using System.Globalization;

namespace Platform.Data.Time;

/// <summary>
/// A clock for demos and separate-process end-to-end runs: "now" starts at a configured moment (<c>Clock:Start</c>),
/// runs on with real time, and jumps forward on request (<see cref="AdvanceTo"/>), so weeks of a campaign pass in
/// seconds. Only "now" is simulated: timers and delays (<see cref="TimeProvider.CreateTimer"/>, timestamps) stay real,
/// as with the tests' manual clock, so polling loops keep their pace while the simulated date moves.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    /// <summary>The configuration key that turns the simulated clock on (an ISO 8601 timestamp with offset or <c>Z</c>).</summary>
    public const string StartKey = "Clock:Start";

    private readonly TimeProvider _real;
    private readonly long _anchorTimestamp;
    private readonly Lock _gate = new();
    private long _offsetTicks; // simulated now = Start + real time elapsed since the anchor + _offsetTicks

    /// <summary>Starts at <paramref name="start"/>; <paramref name="real"/> measures elapsed time (the system's by default).</summary>
    public SimulatedClock(DateTimeOffset start, TimeProvider? real = null)
    {
        _real = real ?? System;
        _anchorTimestamp = _real.GetTimestamp();
        Start = start.ToUniversalTime();
    }

    /// <summary>The configured start.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>How far the clock has been moved forward in total, beyond real time.</summary>
    public TimeSpan Jumped => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() =>
        Start + _real.GetElapsedTime(_anchorTimestamp) + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>
    /// Moves "now" forward to <paramref name="target"/> (time then runs on from there). Returns false and changes nothing
    /// when <paramref name="target"/> is not later than now: the clock never goes back (due times, leases and versions
    /// already written would otherwise lie in the future).
    /// </summary>
    public bool AdvanceTo(DateTimeOffset target)
    {
        lock (_gate)
        {
            var now = GetUtcNow();
            if (target <= now)
            {
                return false;
            }

            Interlocked.Add(ref _offsetTicks, (target - now).Ticks);
            return true;
        }
    }

    /// <summary>
    /// Reads <c>Clock:Start</c>: null when it is not set (the system clock is used), the start when it is a timestamp
    /// with an offset; anything else is a configuration error.
    /// </summary>
    public static DateTimeOffset? ParseStart(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(configured, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
        {
            return start;
        }

        throw new InvalidOperationException($"Clock__Start '{configured}' is not an ISO 8601 timestamp (e.g. 2026-01-05T09:00:00Z).");
    }
}

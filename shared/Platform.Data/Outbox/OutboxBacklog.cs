using System.Diagnostics.Metrics;

namespace Platform.Data;

/// <summary>
/// Gauges of the outbox backlog: <c>platform.outbox.unsent</c> (rows waiting to be published, parked ones excluded)
/// and <c>platform.outbox.oldest_unsent_age</c> (seconds since the oldest of them was written; 0 when none).
/// The relay refreshes the values with one query every few seconds; a scrape only reads them.
/// </summary>
public sealed class OutboxBacklog
{
    private long _unsent;
    private double _oldestAgeSeconds;

    /// <summary>Creates the gauges on this service's <c>Platform</c> meter.</summary>
    public OutboxBacklog(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformTelemetry.Name);
        meter.CreateObservableGauge("platform.outbox.unsent", () => Interlocked.Read(ref _unsent), "{message}", "Outbox messages not yet published (parked excluded)");
        meter.CreateObservableGauge("platform.outbox.oldest_unsent_age", () => Volatile.Read(ref _oldestAgeSeconds), "s", "Age of the oldest outbox message not yet published");
    }

    /// <summary>Rows waiting to be published at the last refresh.</summary>
    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>Age of the oldest of them at the last refresh.</summary>
    public TimeSpan OldestAge => TimeSpan.FromSeconds(Volatile.Read(ref _oldestAgeSeconds));

    internal void Update(long unsent, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _unsent, unsent);
        Volatile.Write(ref _oldestAgeSeconds, Math.Max(0, oldestAge.TotalSeconds));
    }
}

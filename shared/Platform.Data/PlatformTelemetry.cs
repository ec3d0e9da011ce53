using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Data;

/// <summary>The platform's own activity source and meter (outbox relay, inbox, job scheduler); registered with OpenTelemetry by the service defaults.</summary>
public static class PlatformTelemetry
{
    /// <summary>Name of the activity source and meter.</summary>
    public const string Name = "Platform";

    /// <summary>Activities of the outbox relay and the inbox.</summary>
    public static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> OutboxPublished = Meter.CreateCounter<long>("platform.outbox.published", description: "Outbox messages published to the broker");

    internal static readonly Counter<long> OutboxFailed = Meter.CreateCounter<long>("platform.outbox.failed", description: "Outbox publish attempts that failed");

    internal static readonly Counter<long> JobsSucceeded = Meter.CreateCounter<long>("platform.jobs.succeeded", description: "Job attempts that succeeded (tag job.kind)");

    internal static readonly Counter<long> JobsFailed = Meter.CreateCounter<long>("platform.jobs.failed", description: "Job attempts that failed, retried or not (tag job.kind)");

    internal static readonly Counter<long> JobsDead = Meter.CreateCounter<long>("platform.jobs.dead", description: "Jobs that failed for good and were kept as dead (tag job.kind)");

    internal static readonly Counter<long> OutboxParked = Meter.CreateCounter<long>("platform.outbox.parked", description: "Outbox messages parked: never publishable, or refused by the broker Outbox:MaxAttempts times");

    internal static readonly Counter<long> InboxDuplicates = Meter.CreateCounter<long>("platform.inbox.duplicates", description: "Redelivered messages skipped by the inbox");
}

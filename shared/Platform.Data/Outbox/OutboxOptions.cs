namespace Platform.Data;

/// <summary>Settings of the outbox relay (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Most messages one relay locks and publishes per round.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How often the relay looks for messages when nothing in this process signalled any (e.g. rows written by another replica).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for one publish to be confirmed by the broker.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Failed publishes of one message (<c>Outbox__MaxAttempts</c>), counted only while the broker was reachable, after
    /// which the row is parked: kept, listed by <c>GET /admin/outbox/parked</c>, replayable.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait before a failed message is tried again; doubles with each attempt up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts of one failed message.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the relay refreshes the backlog gauges (unsent rows, age of the oldest).</summary>
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long sent messages stay in the table for inspection before they are deleted.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long handled message ids stay in the inbox; longer than any redelivery can take.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(14);
}

namespace Platform.ServiceDefaults;

/// <summary>
/// How a consumer waits out an outage of the database or broker (configuration section <c>Messaging:OutageRetry</c>,
/// e.g. <c>Messaging__OutageRetry__Max</c>): the message is retried in place, first after <see cref="Min"/>, then with
/// growing intervals up to <see cref="Max"/>, until the outage ends. <see cref="Max"/> is also the longest a consumer
/// may stay idle after the outage ended.
/// </summary>
public sealed class OutageRetryOptions
{
    /// <summary>First wait, and the step the waits grow by (a blip is over soon).</summary>
    public TimeSpan Min { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts during a long outage.</summary>
    public TimeSpan Max { get; set; } = TimeSpan.FromSeconds(15);
}

namespace Platform.Data.Jobs;

/// <summary>How jobs of one kind are run and retried.</summary>
public sealed class JobKindOptions
{
    /// <summary>Most jobs of this kind one process runs at the same time (each replica has its own limit).</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Attempts before a failing job is dead; stored with each job when it is enqueued.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubled for each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait before attempt <paramref name="failedAttempt"/> + 1: exponential backoff, capped.</summary>
    public TimeSpan BackoffAfter(int failedAttempt)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
    }
}

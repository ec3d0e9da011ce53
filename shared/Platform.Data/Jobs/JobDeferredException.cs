namespace Platform.Data.Jobs;

/// <summary>
/// Thrown by a handler that cannot run the job on this instance now (e.g. the file it needs is on another replica, or
/// the members it has left are due later): the job is queued again after <see cref="Delay"/> or at <see cref="Until"/>,
/// the attempt is not counted and leaves no history row.
/// </summary>
public sealed class JobDeferredException : Exception
{
    /// <summary>The job waits <paramref name="delay"/> from when its ending is recorded.</summary>
    public JobDeferredException(string reason, TimeSpan delay)
        : base(reason)
    {
        Delay = delay;
    }

    /// <summary>
    /// The job waits until <paramref name="until"/>. Use this when the handler knows the due time: a delay measured from
    /// the handler's "now" would move the due time by however far the clock moved before the ending was recorded (a
    /// simulated or manual clock can jump a day in between).
    /// </summary>
    public JobDeferredException(string reason, DateTimeOffset until)
        : base(reason)
    {
        Until = until;
    }

    /// <summary>How long the job waits before any worker may take it again (when <see cref="Until"/> is not set).</summary>
    public TimeSpan Delay { get; }

    /// <summary>When any worker may take the job again, if the handler named the time.</summary>
    public DateTimeOffset? Until { get; }
}

namespace Platform.Data.Jobs;

/// <summary>
/// Thrown by a handler that cannot run the job on this instance now (e.g. the file it needs is on another replica):
/// the job is queued again after <see cref="Delay"/>, the attempt is not counted and leaves no history row.
/// </summary>
public sealed class JobDeferredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobDeferredException(string reason, TimeSpan delay)
        : base(reason)
    {
        Delay = delay;
    }

    /// <summary>How long the job waits before any worker may take it again.</summary>
    public TimeSpan Delay { get; }
}

namespace Platform.Data.Jobs;

/// <summary>
/// Tells this process's job scheduler that a job was enqueued (or a running one finished), so it looks at once instead
/// of at the next poll. Raised before the enqueuing transaction commits: the scheduler looks again for a short while if
/// it finds nothing yet. Jobs of other replicas are found by polling.
/// </summary>
public sealed class JobSignal : WakeSignal;

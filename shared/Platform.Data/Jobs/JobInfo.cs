namespace Platform.Data.Jobs;

/// <summary>A job as operators see it (<c>GET /admin/jobs</c>): state, attempts, lease, last error and its runs. The payload is not shown.</summary>
public sealed record JobInfo(
    Guid Id,
    string Kind,
    string? UniqueKey,
    string Status,
    DateTimeOffset DueAt,
    int Attempts,
    int MaxAttempts,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>One entry per attempt, oldest first.</summary>
    public IReadOnlyList<JobRunInfo> Runs { get; init; } = [];
}

namespace Platform.Data.Jobs;

/// <summary>One attempt of a job: who ran it, when, and how it ended (running, succeeded, failed, abandoned).</summary>
public sealed record JobRunInfo(int Attempt, string Worker, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Outcome, string? Error);

namespace Platform.Data.Jobs;

/// <summary>The job being run: its identity, schedule and attempt.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Kind">Its kind's name.</param>
/// <param name="UniqueKey">Its unique key, if it was enqueued with one (a periodic job's key is its due time).</param>
/// <param name="DueAt">When it was due.</param>
/// <param name="Attempt">This attempt's number, 1 for the first.</param>
/// <param name="MaxAttempts">Attempts allowed before the job is dead.</param>
public sealed record JobContext(Guid Id, string Kind, string? UniqueKey, DateTimeOffset DueAt, int Attempt, int MaxAttempts)
{
    /// <summary>True when a failure now makes the job dead instead of retrying it.</summary>
    public bool IsLastAttempt => Attempt >= MaxAttempts;
}

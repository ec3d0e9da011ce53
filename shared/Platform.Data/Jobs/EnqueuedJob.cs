namespace Platform.Data.Jobs;

/// <summary>The job an enqueue refers to: the new one, or (<see cref="Created"/> false) the existing job with the same unique key.</summary>
public sealed record EnqueuedJob(Guid Id, bool Created);

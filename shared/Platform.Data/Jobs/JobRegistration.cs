namespace Platform.Data.Jobs;

/// <summary>A kind of job this process runs: its options and how a run is invoked (payload JSON to typed handler).</summary>
internal sealed record JobRegistration(
    string Kind,
    JobKindOptions Options,
    Func<IServiceProvider, string, JobContext, CancellationToken, Task> Run);

namespace Platform.Data.Jobs;

/// <summary>
/// Runs jobs of one kind. Resolved from a DI scope per run. A handler may run again for the same job (after an
/// exception, or when its worker died part-way), so it must be idempotent or resumable. Throwing retries the job with
/// backoff until its attempts run out (then it is dead); <see cref="JobFailedException"/> makes it dead at once;
/// <see cref="JobDeferredException"/> puts it back without counting an attempt.
/// </summary>
/// <typeparam name="TPayload">The kind's payload type.</typeparam>
public interface IJobHandler<in TPayload>
{
    /// <summary>Runs one attempt; <paramref name="ct"/> is cancelled on shutdown or when the lease was lost.</summary>
    Task RunAsync(TPayload payload, JobContext job, CancellationToken ct);
}

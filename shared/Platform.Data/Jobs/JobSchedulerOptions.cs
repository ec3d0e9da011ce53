namespace Platform.Data.Jobs;

/// <summary>Settings of the job scheduler (configuration section <c>Jobs</c>, e.g. <c>Jobs__PollInterval</c>).</summary>
public sealed class JobSchedulerOptions
{
    /// <summary>How often the scheduler looks for due jobs nobody in this process signalled (other replicas', retries, periodic jobs).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed job stays its worker's without renewal; renewed every third of it while the handler runs.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long finished jobs (succeeded or dead) and their history are kept; longer than any periodic job's period.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

namespace Platform.Data.Jobs;

/// <summary>A periodic job: its kind, its payload (JSON) and its schedule, read at start (null = switched off).</summary>
internal sealed record PeriodicJobRegistration(string Kind, string PayloadJson, Func<IServiceProvider, JobSchedule?> Schedule);

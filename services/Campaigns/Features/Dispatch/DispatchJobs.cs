using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>The kinds of job dispatch runs on the shared scheduler (names are stored with the jobs: keep them stable).</summary>
public static class DispatchJobs
{
    /// <summary>Contacts the members of one cell, wave and step.</summary>
    public static readonly JobKind<StepJob> Step = new("campaigns.dispatch-step");

    /// <summary>Records the never-contacted control and global control members of one wave.</summary>
    public static readonly JobKind<HoldoutJob> Holdout = new("campaigns.dispatch-holdout");

    /// <summary>Completes a campaign when its last response window closes.</summary>
    public static readonly JobKind<CompletionJob> Completion = new("campaigns.complete");
}

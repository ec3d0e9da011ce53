namespace Campaigns.Features.Design;

/// <summary>The states of a campaign (<c>campaigns.status</c>): draft → scheduled → running → completed | cancelled.</summary>
public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    /// <summary>Every status, for filters.</summary>
    public static readonly IReadOnlyList<string> All = [Draft, Scheduled, Running, Completed, Cancelled];
}

namespace Campaigns.Features.Design;

/// <summary>
/// A campaign as <c>GET /v1/campaigns/{id}</c> shows it: the design as stored, its status and revision (also the ETag),
/// and the launch's progress (null before launch: launch state, snapshot, members received and assigned, when).
/// </summary>
public sealed record CampaignView(
    Guid Id, string Status, int Revision, CampaignDesign Design, string? LaunchState, string? LaunchError, Guid? SnapshotId,
    int? MemberCount, int AssignedCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LaunchedAt, DateTimeOffset? FinishedAt)
{
    public static CampaignView From(CampaignRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new CampaignView(row.Id, row.Status, row.Revision, CampaignDesignJson.Deserialize(row.Design), row.LaunchState, row.LaunchError,
            row.SnapshotId, row.MemberCount, row.AssignedCount, row.CreatedAt, row.UpdatedAt, row.LaunchedAt, row.FinishedAt);
    }

    /// <summary>The entity tag of a revision (a quoted number), for ETag and If-Match.</summary>
    public static string ETagOf(int revision) => $"\"{revision}\"";
}

namespace Campaigns.Features.Design;

/// <summary>A row of <c>campaigns</c> as the API reads it.</summary>
public sealed record CampaignRow(
    Guid Id, string Status, int Revision, string Design, string? LaunchState, string? LaunchError, Guid? SnapshotId,
    int? MemberCount, int AssignedCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LaunchedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>The columns in this record's order, aliased to its names.</summary>
    public const string Columns = """
        id, status, revision, design::text AS Design, launch_state AS LaunchState, launch_error AS LaunchError, snapshot_id AS SnapshotId,
        member_count AS MemberCount, assigned_count AS AssignedCount, created_at AS CreatedAt, updated_at AS UpdatedAt,
        launched_at AS LaunchedAt, finished_at AS FinishedAt
        """;
}

namespace Gateway.Features.Marketing;

/// <summary>
/// Where a campaign stands: its status and launch (from Campaigns), and, once Measurement has its members, per cell who
/// was assigned, contacted and responded, and the contacts made and blocked (from the results' channel steps).
/// </summary>
public sealed record CampaignProgress(
    string? Status, string? LaunchState, string? LaunchError, int? MemberCount, int? AssignedCount,
    DateTimeOffset? LaunchedAt, DateTimeOffset? FinishedAt, IReadOnlyList<CellProgress>? Cells, ContactSummary? Contacts);

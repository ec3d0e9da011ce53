namespace Gateway.Features.Marketing;

/// <summary>One campaign of <c>GET /marketing/v1/campaigns</c>: who it is, where it stands, and its headline (null before launch or when Measurement failed).</summary>
public sealed record CampaignListItem(
    Guid Id, string? Code, string? Name, string? Objective, string? Kind, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? LaunchedAt,
    CampaignHeadlineView? Headline);

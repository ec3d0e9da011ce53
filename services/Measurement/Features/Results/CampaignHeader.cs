namespace Measurement.Features.Results;

/// <summary>The campaign as launched.</summary>
public sealed record CampaignHeader(
    Guid Id, string Code, string Name, string Objective, string Kind, string Status, string Currency,
    DateTimeOffset LaunchedAt, DateTimeOffset? CompletedAt, int ResponseWindowDays, int MemberCount);

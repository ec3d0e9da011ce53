namespace Measurement.Features.Results;

/// <summary>A campaign as kept from its launch, with the start of its last wave (when a retention figure matures).</summary>
public sealed record CampaignRow(
    Guid Id, string Code, string Name, string Objective, string Kind, string Status, string Currency,
    DateTimeOffset LaunchedAt, DateTimeOffset? CompletedAt, int ResponseWindowDays, int MemberCount, DateTimeOffset? LastWaveStartsAt)
{
    public const string SelectSql = """
        SELECT c.id, c.code, c.name, c.objective, c.kind, c.status, c.currency, c.launched_at AS LaunchedAt, c.completed_at AS CompletedAt,
               c.response_window_days AS ResponseWindowDays, c.member_count AS MemberCount,
               (SELECT max(w.starts_at) FROM campaign_waves w WHERE w.campaign_id = c.id) AS LastWaveStartsAt
        FROM campaigns c WHERE c.id = @campaignId
        """;

    public CampaignHeader Header => new(Id, Code, Name, Objective, Kind, Status, Currency, LaunchedAt, CompletedAt, ResponseWindowDays, MemberCount);
}

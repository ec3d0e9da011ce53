namespace Campaigns.Features.Preview;

/// <summary>A row of <c>previews</c> with its snapshot's state.</summary>
public sealed record PreviewRow(
    Guid PreviewId, Guid CampaignId, Guid SnapshotId, int Revision, string Design, double BaselineResponseRate, double? RelativeLiftToDetect,
    double Power, double Alpha, DateTimeOffset RequestedAt, string? Figures, DateTimeOffset? ComputedAt, string SnapshotStatus, string? RefusedReason)
{
    /// <summary>The query of one preview of one campaign (parameters <c>@previewId</c>, <c>@campaignId</c>).</summary>
    public const string SelectSql = """
        SELECT p.preview_id AS PreviewId, p.campaign_id AS CampaignId, p.snapshot_id AS SnapshotId, p.revision, p.design::text AS Design,
               p.baseline_response_rate AS BaselineResponseRate, p.relative_lift_to_detect AS RelativeLiftToDetect, p.power, p.alpha,
               p.requested_at AS RequestedAt, p.figures::text AS Figures, p.computed_at AS ComputedAt,
               s.status AS SnapshotStatus, s.refused_reason AS RefusedReason
        FROM previews p JOIN snapshots s ON s.snapshot_id = p.snapshot_id
        WHERE p.preview_id = @previewId AND p.campaign_id = @campaignId
        """;

    public PreviewParameters Parameters => new(BaselineResponseRate, RelativeLiftToDetect, Power, Alpha);
}

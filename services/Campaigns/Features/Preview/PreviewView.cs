namespace Campaigns.Features.Preview;

/// <summary>
/// A plan preview as <c>GET /v1/campaigns/{id}/previews/{previewId}</c> shows it: <see cref="Status"/> is <c>pending</c>
/// until the snapshot has arrived, <c>refused</c> (with <see cref="Reason"/>) when Segmentation could not take it, or
/// <c>complete</c> with <see cref="Figures"/>. <see cref="Revision"/> is the design revision it previews.
/// </summary>
public sealed record PreviewView(
    Guid PreviewId, Guid CampaignId, int Revision, Guid SnapshotId, string Status, string? Reason, PreviewParameters Parameters,
    DateTimeOffset RequestedAt, DateTimeOffset? ComputedAt, PlanFigures? Figures);

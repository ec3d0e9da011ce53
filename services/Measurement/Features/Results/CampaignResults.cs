namespace Measurement.Features.Results;

/// <summary>
/// <c>GET /v1/campaigns/{id}/results</c>: a campaign's results from its maintained statistics. <see cref="Cells"/> holds
/// the designed cells (control first); <see cref="GlobalControl"/> the campaign's global-control members, shown apart
/// and never compared; <see cref="Lifts"/> and <see cref="Money"/> every treated cell against control; <see cref="Quality"/>
/// is null for objectives without a quality view (cross-sell).
/// </summary>
public sealed record CampaignResults(
    CampaignHeader Campaign,
    ResultsSettings Settings,
    DateTimeOffset ComputedAt,
    IReadOnlyList<CellFigures> Cells,
    CellFigures? GlobalControl,
    IReadOnlyList<CellLift> Lifts,
    IReadOnlyList<CellMoney> Money,
    HealthView Health,
    QualityView? Quality,
    IReadOnlyList<string> Notes);

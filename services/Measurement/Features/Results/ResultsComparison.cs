namespace Measurement.Features.Results;

/// <summary><c>GET /v1/results?campaign=…&amp;campaign=…</c>: several campaigns side by side, in the order asked.</summary>
public sealed record ResultsComparison(DateTimeOffset ComputedAt, ResultsSettings Settings, IReadOnlyList<CampaignHeadline> Campaigns);

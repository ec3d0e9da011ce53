namespace Gateway.Features.Marketing;

/// <summary>
/// A page of <c>GET /marketing/v1/campaigns</c> in the platform's paging shape (<c>items</c>, <c>next</c> pointing at
/// this route), with <see cref="Problems"/> naming headlines missing because Measurement failed.
/// </summary>
public sealed record CampaignListPage(IReadOnlyList<CampaignListItem> Items, string? Next, IReadOnlyList<PartProblem> Problems);

using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>
/// <c>GET /marketing/v1/campaigns/{id}</c>: the campaign's design (as Campaigns stores it), its progress and its results
/// (Measurement's <c>/v1/campaigns/{id}/results</c> as it answers them; null before launch). A part whose service failed
/// is null and named in <see cref="Problems"/>.
/// </summary>
public sealed record CampaignOverview(Guid Id, JsonElement? Design, CampaignProgress? Progress, JsonElement? Results, IReadOnlyList<PartProblem> Problems);

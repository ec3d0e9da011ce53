namespace Gateway.Features.Keys;

/// <summary>Body of <c>POST /admin/keys</c>.</summary>
/// <param name="Name">What the key is for (1–200 characters), e.g. "web shop feed".</param>
/// <param name="Scopes">One or more of <c>ingest</c>, <c>marketer</c>, <c>admin</c>.</param>
/// <param name="RequestsPerSecond">Sustained rate (1–100,000); default <c>ApiKeys:DefaultRequestsPerSecond</c>.</param>
/// <param name="Burst">Requests at once (at least the rate, at most 1,000,000); default <c>ApiKeys:DefaultBurst</c>, or twice the given rate.</param>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string?>? Scopes, int? RequestsPerSecond, int? Burst);

namespace Campaigns.Features.Dispatch;

/// <summary>One line of <c>GET /v1/campaigns/{id}/blocks</c>: how many members a reason kept from a contact (<c>blocked</c>, <c>skipped</c>) or put off (<c>deferred</c>, counted per deferral).</summary>
public sealed record BlockSummary(string Outcome, string Reason, int Step, long Count);

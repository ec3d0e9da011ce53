namespace Campaigns.Features.Dispatch;

/// <summary>One row of the contacts ledger as <c>GET /v1/campaigns/{id}/contacts</c> shows it.</summary>
public sealed record ContactView(
    Guid ContactId, Guid CustomerId, string Cell, int Wave, int Step, string? Channel, string? OfferCode, decimal Cost,
    DateTimeOffset At, string Status, string? BlockReason);

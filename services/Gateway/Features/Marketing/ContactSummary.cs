namespace Gateway.Features.Marketing;

/// <summary>Contacts of every cell and step: made (dispatched or exported), blocked by the contact policy (by reason), and their cost.</summary>
public sealed record ContactSummary(long Made, long Dispatched, long Exported, long Blocked, IReadOnlyDictionary<string, long> BlockedByReason, double Cost);

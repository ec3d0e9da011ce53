namespace Campaigns.Features.Dispatch;

/// <summary>What dispatch does with one member in one step.</summary>
/// <param name="Outcome">Contact, block, skip or defer.</param>
/// <param name="Channel">The chosen channel (null when none could be chosen).</param>
/// <param name="Reason">Why it was blocked, skipped or deferred.</param>
/// <param name="NotBefore">For a deferral: when to try again.</param>
public sealed record ContactDecision(ContactOutcome Outcome, string? Channel, string? Reason, DateTimeOffset? NotBefore = null);

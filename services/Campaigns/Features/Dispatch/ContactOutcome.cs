namespace Campaigns.Features.Dispatch;

/// <summary>Outcomes of <see cref="ContactDecision"/>.</summary>
public enum ContactOutcome
{
    Contact,
    Block,
    Skip,
    Defer,
}

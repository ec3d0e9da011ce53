namespace Demo;

/// <summary>One campaign of the demo: its id and code, objective, members, per-cell outcomes and the test's health.</summary>
public sealed record CampaignOutcome(
    Guid Id,
    string Code,
    string Objective,
    string Status,
    long Members,
    IReadOnlyList<CellOutcome> Cells,
    long ControlContacts,
    bool SampleRatioMismatch);

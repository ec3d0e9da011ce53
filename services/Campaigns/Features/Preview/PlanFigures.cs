namespace Campaigns.Features.Preview;

/// <summary>
/// What a plan preview found in the snapshot: members per cell and wave (the launch's draw), reachable members per
/// channel, the estimated cost against the budget and the power of each cell against control.
/// </summary>
/// <param name="MemberCount">Members of the snapshot (global control included).</param>
/// <param name="GlobalControlShare">The global control's share at the time of the preview.</param>
/// <param name="Cells">Control first, the treated cells in design order, then <c>global_control</c> (never contacted).</param>
/// <param name="Waves">Members per wave (global control included).</param>
/// <param name="Reachable">Members outside the global control reachable per channel (consent and contact field).</param>
/// <param name="Budget">Estimated cost of all cells against the budget.</param>
/// <param name="LiftToDetect">The control share needed to detect the stated lift, when one was stated.</param>
public sealed record PlanFigures(
    long MemberCount,
    double GlobalControlShare,
    IReadOnlyList<CellFigures> Cells,
    IReadOnlyList<WaveFigures> Waves,
    IReadOnlyDictionary<string, long> Reachable,
    BudgetFigures Budget,
    LiftFigures? LiftToDetect);

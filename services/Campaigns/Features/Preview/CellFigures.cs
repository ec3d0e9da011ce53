namespace Campaigns.Features.Preview;

/// <summary>One cell of a plan preview.</summary>
/// <param name="Code">Cell code (<c>control</c>, a treated cell's code, or <c>global_control</c>).</param>
/// <param name="Role"><c>control</c>, <c>treated</c> or <c>global_control</c>.</param>
/// <param name="DesignedShare">The share of the target the design gives the cell (null for the global control).</param>
/// <param name="Members">Members drawn into the cell.</param>
/// <param name="MembersByWave">Members per wave, wave 1 first.</param>
/// <param name="Reachable">Members reachable per channel.</param>
/// <param name="Cost">Estimated cost (treated cells only).</param>
/// <param name="MinimumDetectableLift">The smallest lift over control this cell detects at the stated power and significance (treated cells; null when none is detectable).</param>
/// <param name="ControlShareNeeded">With a stated lift: the share of the target (global control excluded) the control group would need for this cell, as drawn, to detect it; null when no control group would suffice.</param>
public sealed record CellFigures(
    string Code,
    string Role,
    double? DesignedShare,
    long Members,
    IReadOnlyList<long> MembersByWave,
    IReadOnlyDictionary<string, long> Reachable,
    CellCost? Cost,
    DetectableLift? MinimumDetectableLift,
    double? ControlShareNeeded);

namespace Campaigns.Features.Preview;

/// <summary>
/// The stated lift (relative to the baseline, and the absolute difference of rates it means) and the smallest control
/// share of the target (global control excluded) at which control against all treated members together detects it
/// (null when even an even split would not); <see cref="DesignedControlShare"/> for comparison.
/// </summary>
public sealed record LiftFigures(double RelativeLift, double AbsoluteLift, double? ControlShareNeeded, double DesignedControlShare);

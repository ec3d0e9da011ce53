namespace Measurement.Features.Results;

/// <summary>
/// The customers a cell acquired (its converters), followed after their first purchase: repeat purchase at 30/90/180
/// days, share of deal seekers and mean predicted CLV among those scored, and LTV/CAC (mean CLV over the cost per
/// incremental acquisition); each tested against control's organic converters where control has them.
/// </summary>
public sealed record CohortFigures(
    string Cell, long Acquired, long WithFirstPurchase, IReadOnlyList<RepeatFigure> Repeat, long Scored,
    Estimate DealSeekerShare, LiftView? DealSeekerLift, Estimate MeanClv, LiftView? ClvLift,
    Estimate? CostPerAcquisition, Estimate? LtvToCac);

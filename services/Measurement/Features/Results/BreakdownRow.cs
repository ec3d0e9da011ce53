namespace Measurement.Features.Results;

/// <summary>
/// A cell's figures within one wave or value tier (<see cref="Key"/>: the wave number, or the tier, "" when unscored), and
/// for a treated cell its conversion and revenue-per-customer lift against control's members of the same wave or tier
/// (unadjusted, no multiplicity correction: read them as a guide to where the campaign worked, not as separate tests).
/// </summary>
public sealed record BreakdownRow(
    string Key, long Assigned, long Contacted, long Responders, long Converters,
    Estimate ResponseRate, Estimate ConversionRate, Estimate RevenuePerCustomer, Estimate MarginPerCustomer,
    LiftView? ConversionLift, LiftView? RevenueLift);

namespace Measurement.Features.Results;

/// <summary>A cell's figures within one wave or value tier (<see cref="Key"/>: the wave number, or the tier, "" when unscored).</summary>
public sealed record BreakdownRow(
    string Key, long Assigned, long Contacted, long Responders, long Converters,
    Estimate ResponseRate, Estimate ConversionRate, Estimate RevenuePerCustomer, Estimate MarginPerCustomer);

namespace Measurement.Features.Results;

/// <summary>
/// The figures of a cell's contacted members only, for reference: who could be contacted is not random, so these are not
/// comparable with control (compare the intent-to-treat figures); <see cref="Label"/> says so.
/// </summary>
public sealed record ContactedView(string Label, long Contacted, Estimate ResponseRate, Estimate ConversionRate, MoneyView PerContacted);

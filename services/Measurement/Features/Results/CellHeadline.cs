namespace Measurement.Features.Results;

/// <summary>A treated cell's headline: response, conversion and revenue-per-customer lift (unadjusted, Holm p included), incremental profit, ROI.</summary>
public sealed record CellHeadline(string Cell, LiftView? ResponseLift, LiftView? ConversionLift, LiftView? RevenueLift, Estimate? IncrementalProfit, Estimate? Roi);

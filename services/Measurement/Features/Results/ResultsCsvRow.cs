namespace Measurement.Features.Results;

/// <summary>One row of the CSV export: a figure of a cell (empty for campaign-wide figures) with its interval, p-values and method.</summary>
public sealed record ResultsCsvRow(string Cell, string Metric, double? Estimate, double? Lower, double? Upper, double? PValue, double? HolmPValue, string Method);

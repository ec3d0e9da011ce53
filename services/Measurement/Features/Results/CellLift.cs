namespace Measurement.Features.Results;

/// <summary>A treated cell against the campaign's control, metric by metric.</summary>
public sealed record CellLift(string Cell, IReadOnlyList<MetricLift> Metrics);

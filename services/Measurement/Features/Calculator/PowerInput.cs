namespace Measurement.Features.Calculator;

/// <summary>A validated power request: sizes given (minimum detectable lift) or a lift given (size per arm).</summary>
public sealed record PowerInput(MetricKind Metric, double? Baseline, double? StandardDeviation, double? ControlSize, double? TreatedSize, double? Lift, double Power, double Alpha);

using Platform.Numerics.Statistics;

namespace Measurement.Features.Calculator;

/// <summary>A validated compare request: the metric, the arms' statistics by name, whether CUPED applies, and the options.</summary>
public sealed record CompareInput(MetricKind Metric, NamedArm Control, IReadOnlyList<NamedArm> Treatments, bool HasCovariate, LiftOptions Options);

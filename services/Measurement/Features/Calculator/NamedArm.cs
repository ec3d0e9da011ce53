using Platform.Numerics.Statistics;

namespace Measurement.Features.Calculator;

/// <summary>An arm's label and sufficient statistics.</summary>
public sealed record NamedArm(string Name, Moments Moments);

namespace Measurement.Features.Calculator;

/// <summary>What the arms measure: a rate (units and conversions) or a mean (units, Σy, Σy²).</summary>
public enum MetricKind
{
    Rate,
    Mean,
}

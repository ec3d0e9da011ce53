namespace Measurement.Features.Calculator;

/// <summary>Answer of <c>POST /v1/stats/compare</c>.</summary>
public sealed record CompareResponse(
    string Metric,
    double Confidence,
    double SequentialTuning,
    ArmView Control,
    IReadOnlyList<ArmComparison> Treatments,
    string MultipleComparisons);

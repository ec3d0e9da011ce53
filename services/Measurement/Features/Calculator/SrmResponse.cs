namespace Measurement.Features.Calculator;

/// <summary>Answer of <c>POST /v1/stats/srm</c>: χ², degrees of freedom, p-value, expected counts, and whether p is below the threshold.</summary>
public sealed record SrmResponse(double ChiSquare, int DegreesOfFreedom, double PValue, IReadOnlyList<double> Expected, bool Mismatch, double Threshold, string Method);

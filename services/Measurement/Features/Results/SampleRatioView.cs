namespace Measurement.Features.Results;

/// <summary>Sample-ratio mismatch: chi-square of the designed cells' assigned counts against their designed shares, flagged below the threshold.</summary>
public sealed record SampleRatioView(
    IReadOnlyList<SampleRatioCell> Cells, double? ChiSquare, int DegreesOfFreedom, double? PValue, bool Mismatch, double Threshold, string Method);

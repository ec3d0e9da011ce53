namespace Measurement.Features.Results;

/// <summary>
/// The options the figures were computed with: confidence level, the confidence sequences' tuning N*, the power used for
/// detectable lifts and, when revenue was winsorized, the percentile, the cap it gave and how it was found.
/// </summary>
public sealed record ResultsSettings(double Confidence, double SequentialTuning, double Power, double? Winsorize, double? WinsorizeCap, string? WinsorizeMethod);

namespace Measurement.Features.Results;

/// <summary>Quality of what the campaign acquired or kept: <see cref="Acquisition"/> for acquisition campaigns, <see cref="Retention"/> for retention and win-back.</summary>
public sealed record QualityView(string Objective, AcquisitionQuality? Acquisition, RetentionQuality? Retention);

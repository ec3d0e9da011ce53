namespace Measurement.Features.Results;

/// <summary>A designed cell's assigned members (global control excluded) against what its designed share expects.</summary>
public sealed record SampleRatioCell(string Cell, double DesignedShare, long Observed, double Expected);

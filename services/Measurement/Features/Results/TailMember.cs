namespace Measurement.Features.Results;

/// <summary>One member of the upper revenue tail read for winsorizing: its cell, window revenue and covariate.</summary>
public sealed record TailMember(string Cell, double Revenue, double Covariate);

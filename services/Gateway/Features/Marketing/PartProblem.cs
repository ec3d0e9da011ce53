namespace Gateway.Features.Marketing;

/// <summary>A part of a combined answer that is missing because its service failed: which part, which service, why.</summary>
public sealed record PartProblem(string Part, string Service, int? Status, string Detail);

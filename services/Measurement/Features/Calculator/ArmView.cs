namespace Measurement.Features.Calculator;

/// <summary>An arm as the answer names it: label, units and mean (or rate).</summary>
public sealed record ArmView(string Name, double Units, double Mean);

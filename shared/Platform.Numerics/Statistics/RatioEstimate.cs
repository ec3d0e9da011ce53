namespace Platform.Numerics.Statistics;

/// <summary>A ratio with its interval and how the interval was made; <see cref="Estimate"/> null when undefined.</summary>
public sealed record RatioEstimate(double? Estimate, Interval Interval, string Method);

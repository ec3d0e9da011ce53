namespace Campaigns.Features.Preview;

/// <summary>A minimum detectable lift: as a difference of response rates, and relative to the baseline.</summary>
public sealed record DetectableLift(double Absolute, double Relative);

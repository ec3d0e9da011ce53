namespace Campaigns.Features.Preview;

/// <summary>Members drawn into one wave.</summary>
public sealed record WaveFigures(int Number, double Share, long Members);

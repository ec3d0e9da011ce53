namespace Campaigns.Features.Preview;

/// <summary>The assumptions of a preview, defaults applied. <see cref="RelativeLiftToDetect"/> is relative to the baseline.</summary>
public sealed record PreviewParameters(double BaselineResponseRate, double? RelativeLiftToDetect, double Power, double Alpha);

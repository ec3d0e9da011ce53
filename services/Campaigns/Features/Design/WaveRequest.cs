using System.ComponentModel;

namespace Campaigns.Features.Design;

/// <summary>A wave of a campaign design.</summary>
public sealed record WaveRequest
{
    [Description("Share of the target in this wave, above 0; the waves' shares sum to 1.")]
    public double? Share { get; init; }

    [Description("When the wave starts (ISO 8601 with offset); after the previous wave's start.")]
    public string? StartsAt { get; init; }

    [Description("This wave's offer deadline (ISO 8601 with offset), not before its start.")]
    public string? OfferDeadline { get; init; }
}

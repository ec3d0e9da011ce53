using System.ComponentModel;

namespace Campaigns.Features.Design;

/// <summary>A treated cell of a campaign design.</summary>
public sealed record CellRequest
{
    [Description("Cell code (letters, digits, '-', '_'), unique; 'control' and 'global_control' are reserved.")]
    public string? Code { get; init; }

    [Description("Share of the target, above 0.")]
    public double? Share { get; init; }

    [Description("The offer this cell makes (a code from offers), if any.")]
    public string? OfferCode { get; init; }

    [Description("The channel plan: steps in order.")]
    public IReadOnlyList<StepRequest?>? Steps { get; init; }
}

using System.ComponentModel;

namespace Campaigns.Features.Design;

/// <summary>A step of a cell's channel plan: one channel, or channels in order of preference.</summary>
public sealed record StepRequest
{
    [Description("direct_mail, outbound_call, email or sms (or give channels).")]
    public string? Channel { get; init; }

    [Description("Channels in order of preference: the first one the customer can be reached on is used.")]
    public IReadOnlyList<string?>? Channels { get; init; }

    [Description("Days after the wave's start, not before the previous step's.")]
    public int? DayOffset { get; init; }

    [Description("always (default; the only one allowed on the first step), no_response_yet or not_reached.")]
    public string? Condition { get; init; }

    [Description("Cost of one contact in the campaign's currency.")]
    public decimal? CostPerContact { get; init; }
}

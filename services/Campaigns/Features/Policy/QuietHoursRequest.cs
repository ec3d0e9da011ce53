namespace Campaigns.Features.Policy;

/// <summary>Quiet hours of <see cref="ContactPolicyRequest"/>: local <c>HH:mm</c> times, start inclusive, end exclusive.</summary>
public sealed record QuietHoursRequest
{
    public string? Start { get; init; }
    public string? End { get; init; }
}

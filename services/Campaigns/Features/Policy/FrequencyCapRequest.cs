namespace Campaigns.Features.Policy;

/// <summary>One frequency cap of <see cref="ContactPolicyRequest"/>.</summary>
public sealed record FrequencyCapRequest
{
    /// <summary>A channel, or null for contacts on all channels together.</summary>
    public string? Channel { get; init; }

    public int? MaxContacts { get; init; }

    /// <summary>The rolling window in days.</summary>
    public int? Days { get; init; }
}

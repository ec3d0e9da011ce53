namespace Platform.Contracts.Campaigns;

/// <summary>A campaign ended: its last response window closed, or it was cancelled.</summary>
public sealed record CampaignCompleted
{
    /// <summary>The campaign.</summary>
    public required Guid CampaignId { get; init; }

    /// <summary><c>completed</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
}

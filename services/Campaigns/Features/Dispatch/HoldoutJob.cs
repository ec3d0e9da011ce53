namespace Campaigns.Features.Dispatch;

/// <summary>Payload of a holdout job: records the control and global control members of <paramref name="Wave"/> as never contacted.</summary>
public sealed record HoldoutJob(Guid CampaignId, int Wave);

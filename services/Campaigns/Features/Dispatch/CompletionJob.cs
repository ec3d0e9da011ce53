namespace Campaigns.Features.Dispatch;

/// <summary>Payload of the job that completes a campaign.</summary>
public sealed record CompletionJob(Guid CampaignId);

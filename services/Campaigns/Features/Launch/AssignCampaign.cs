namespace Campaigns.Features.Launch;

/// <summary>Payload of the assignment job: the campaign whose launch snapshot is complete.</summary>
public sealed record AssignCampaign(Guid CampaignId);

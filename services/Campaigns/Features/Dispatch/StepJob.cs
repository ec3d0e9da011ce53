namespace Campaigns.Features.Dispatch;

/// <summary>Payload of a step job: the members of <paramref name="Cell"/> in <paramref name="Wave"/> get step <paramref name="Step"/>.</summary>
public sealed record StepJob(Guid CampaignId, int Wave, string Cell, int Step)
{
    /// <summary>Unique key: one job per campaign, wave, cell and step however often the launch tells dispatch.</summary>
    public string Key => $"{CampaignId}/w{Wave}/{Cell}/s{Step}";
}

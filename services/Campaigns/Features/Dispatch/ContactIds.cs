using Platform.Data;

namespace Campaigns.Features.Dispatch;

/// <summary>The stable id of a contact: one per (campaign, customer, step), so a step run again finds the contact it made.</summary>
public static class ContactIds
{
    private static readonly Guid Namespace = new("6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d21");

    /// <summary>The contact of <paramref name="customerId"/> in step <paramref name="step"/> (0: the control holdout) of <paramref name="campaignId"/>.</summary>
    public static Guid For(Guid campaignId, Guid customerId, int step) => DeterministicGuid.Create(Namespace, $"{campaignId:N}/{customerId:N}/{step}");
}

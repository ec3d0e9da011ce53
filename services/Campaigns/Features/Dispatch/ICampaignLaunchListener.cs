using Npgsql;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Told by the launch when every member of a campaign is assigned, in the launch's last transaction: dispatch schedules
/// the campaign's steps then, so they exist if and only if the launch commits.
/// </summary>
public interface ICampaignLaunchListener
{
    /// <summary>Called once the assignments of <paramref name="campaignId"/> are complete (may be called again on a resumed launch: must be idempotent).</summary>
    Task OnCampaignAssignedAsync(NpgsqlTransaction transaction, Guid campaignId, CancellationToken ct);
}

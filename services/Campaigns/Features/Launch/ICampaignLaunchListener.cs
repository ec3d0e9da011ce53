using Npgsql;

namespace Campaigns.Features.Launch;

/// <summary>
/// Called in the transaction that finishes a launch's assignment (every member assigned, <c>launch_state</c> set to
/// <c>assigned</c>): the point where dispatch schedules the campaign's steps from <c>assignments</c>. Whatever it
/// writes commits with the launch's completion or not at all; throwing fails the attempt, and the job tries the last
/// chunk again. Register implementations as scoped or singleton services; none is required.
/// </summary>
public interface ICampaignLaunchListener
{
    /// <summary>The campaign's members are all assigned; <paramref name="transaction"/> holds its row locked.</summary>
    Task LaunchCompletedAsync(NpgsqlTransaction transaction, LaunchedCampaign campaign, CancellationToken ct);
}

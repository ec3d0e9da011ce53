using Campaigns.Features.Dispatch;
using Dapper;
using Npgsql;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>
/// Stands in for dispatch: records, in the launch's last transaction, what it sees there (table
/// <c>test_launch_calls</c>, created by the test), so a test can tell it was called once, after every assignment.
/// </summary>
public sealed class RecordingLaunchListener : ICampaignLaunchListener
{
    public async Task OnCampaignAssignedAsync(NpgsqlTransaction transaction, Guid campaignId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO test_launch_calls (campaign_id, launch_state, assignments)
            SELECT id, launch_state, (SELECT count(*) FROM assignments WHERE campaign_id = @campaignId) FROM campaigns WHERE id = @campaignId
            """, new { campaignId }, transaction, cancellationToken: ct));
    }
}

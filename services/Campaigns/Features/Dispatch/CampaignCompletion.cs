using Dapper;
using Npgsql;
using Platform.Contracts.Campaigns;
using Platform.Data;

namespace Campaigns.Features.Dispatch;

/// <summary>Ends a campaign (completed or cancelled) and publishes <see cref="CampaignCompleted"/> in the same transaction, once.</summary>
public sealed class CampaignCompletion(Outbox outbox, TimeProvider time)
{
    private const string EndSql = """
        UPDATE campaigns SET status = @Status, finished_at = @Now, updated_at = @Now
        WHERE id = @Id AND status IN ('scheduled', 'running')
        """;

    /// <summary>Moves the campaign to <paramref name="status"/>; false when it was not scheduled or running (nothing published).</summary>
    public async Task<bool> EndAsync(NpgsqlTransaction tx, Guid campaignId, string status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var now = time.GetUtcNow();
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(EndSql, new { Id = campaignId, Status = status, Now = now }, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }

        await outbox.AddAsync(tx, new CampaignCompleted { CampaignId = campaignId, Status = status, At = now }, ct);
        return true;
    }
}

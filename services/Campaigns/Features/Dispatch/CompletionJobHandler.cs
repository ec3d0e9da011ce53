using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Completes a campaign when the response window after its last step has closed. Steps still waiting (members deferred
/// by quiet hours or capacity) hold completion back until they are done.
/// </summary>
public sealed class CompletionJobHandler(NpgsqlDataSource db, CampaignCompletion completion) : IJobHandler<CompletionJob>
{
    private const string PendingStepsSql = """
        SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = @Kind AND status IN ('queued', 'running') AND payload->>'campaignId' = @Id::text)
        """;

    /// <inheritdoc />
    public async Task RunAsync(CompletionJob payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(PendingStepsSql,
                new { Kind = DispatchJobs.Step.Name, Id = payload.CampaignId }, tx, cancellationToken: ct)))
        {
            throw new JobDeferredException("steps of the campaign are still to run", TimeSpan.FromHours(1));
        }

        await completion.EndAsync(tx, payload.CampaignId, "completed", ct);
        await tx.CommitAsync(ct);
    }
}

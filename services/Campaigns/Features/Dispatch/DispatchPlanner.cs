using Campaigns.Features.Design;
using Campaigns.Features.Launch;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Schedules a launched campaign: per wave a holdout job at its start, per (wave, cell, step) a step job due at the wave's
/// start plus the step's day offset, and the completion job when the last step's response window closes (the launch has
/// set the campaign scheduled or running). Unique job keys make a second call (a resumed launch, a second replica) change nothing.
/// </summary>
public sealed class DispatchPlanner(JobStore jobs, TimeProvider time) : ICampaignLaunchListener
{
    private const string SelectSql = """
        SELECT id, code, status, design::text AS Design, launched_at AS LaunchedAt, launched_waves::text AS LaunchedWaves FROM campaigns WHERE id = @Id FOR UPDATE
        """;

    /// <inheritdoc />
    public async Task OnCampaignAssignedAsync(NpgsqlTransaction transaction, Guid campaignId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection!;
        var now = time.GetUtcNow();
        var campaign = await connection.QuerySingleAsync<PlannedCampaign>(new CommandDefinition(SelectSql, new { Id = campaignId }, transaction, cancellationToken: ct));
        if (campaign.Status is "cancelled" or "completed")
        {
            return;
        }

        var design = CampaignDesignJson.Deserialize(campaign.Design);
        // The waves the launch fixed (starts already past moved to launch), as CampaignLaunched announced them.
        var waves = campaign.LaunchedWaves is { } launched ? LaunchWaves.Deserialize(launched) : LaunchWaves.Materialize(design.Waves, campaign.LaunchedAt ?? now);
        var lastStep = DateTimeOffset.MinValue;
        foreach (var wave in waves)
        {
            await jobs.EnqueueAsync(transaction, DispatchJobs.Holdout, new HoldoutJob(campaignId, wave.Number), wave.StartsAt, $"{campaignId}/w{wave.Number}", ct);
            lastStep = Max(lastStep, wave.StartsAt);
            foreach (var cell in design.Cells.Where(c => !c.IsControl))
            {
                foreach (var step in cell.Steps)
                {
                    var job = new StepJob(campaignId, wave.Number, cell.Code, step.Number);
                    var due = wave.StartsAt.AddDays(step.DayOffset);
                    await jobs.EnqueueAsync(transaction, DispatchJobs.Step, job, due, job.Key, ct);
                    lastStep = Max(lastStep, due);
                }
            }
        }

        await jobs.EnqueueAsync(transaction, DispatchJobs.Completion, new CompletionJob(campaignId), lastStep.AddDays(design.ResponseWindowDays), campaignId.ToString(), ct);
    }

    private sealed record PlannedCampaign(Guid Id, string Code, string Status, string Design, DateTimeOffset? LaunchedAt, string? LaunchedWaves);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

using Campaigns.Features.Snapshots;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Launch;

/// <summary>
/// <c>POST /v1/campaigns/{id}/launch</c>: asks Segmentation for a launch snapshot (by command, through the outbox) and
/// answers 202 at once; the assignment follows as a job when the snapshot is in. Progress is on the campaign
/// (<c>status</c>, <c>launchState</c>, <c>memberCount</c>, <c>assignedCount</c>).
/// <para>
/// States: draft →(launch) scheduled/awaiting_snapshot →(snapshot complete, job starts) scheduled/assigning →(all
/// assigned, dispatch's steps scheduled by <see cref="Dispatch.ICampaignLaunchListener"/> in the same transaction)
/// running/assigned, or scheduled/assigned when the first wave starts later (dispatch's first step moves it to running).
/// A refused snapshot: draft/failed with the reason, so the campaign can be launched again. Only a draft
/// platform campaign can be launched: a second launch while one is under way (or after) is 409, as is an external one.
/// </para>
/// </summary>
public static class LaunchApi
{
    private const string LockSql = """
        SELECT kind AS Kind, code AS Code, status AS Status, segment_id AS SegmentId FROM campaigns WHERE id = @CampaignId FOR UPDATE
        """;

    private const string LaunchSql = """
        UPDATE campaigns SET status = 'scheduled', launch_state = 'awaiting_snapshot', launch_error = NULL, snapshot_id = @SnapshotId,
            member_count = NULL, assigned_count = 0, assign_cursor = NULL, assigned_batches = 0, launched_at = @Now, updated_at = @Now
        WHERE id = @CampaignId
        """;

    /// <summary>The launch's services: the assignment job (chunk size and retry delay from <see cref="LaunchOptions.Section"/>).</summary>
    public static IServiceCollection AddLaunch(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LaunchOptions.Section);
        services.AddOptions<LaunchOptions>().Bind(section)
            .Validate(o => o.ChunkSize > 0 && o.ChunkSize % LaunchOptions.BatchSize == 0, $"{LaunchOptions.Section}:ChunkSize must be a positive multiple of {LaunchOptions.BatchSize}")
            .ValidateOnStart();
        var retryDelay = (section.Get<LaunchOptions>() ?? new LaunchOptions()).RetryDelay;
        services.AddJob<AssignCampaign, AssignmentJob>(AssignmentJob.Kind, o =>
        {
            o.Concurrency = 2;
            o.MaxAttempts = 20;
            o.RetryDelay = retryDelay;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLaunchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/campaigns/{campaignId:guid}/launch", LaunchAsync).WithTags("Campaigns")
            .WithName("launchCampaign").WithSummary("Launches a draft: snapshots its segment, assigns every member to a cell or control, schedules its waves");
        return app;
    }

    private static async Task<IResult> LaunchAsync(Guid campaignId, NpgsqlDataSource db, SnapshotRequester snapshots, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var campaign = await connection.QuerySingleOrDefaultAsync<CampaignToLaunch>(new CommandDefinition(LockSql, new { CampaignId = campaignId }, tx, cancellationToken: ct));
        if (campaign is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No campaign {campaignId}.");
        }

        if (campaign.Kind != "platform")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "An external campaign is not launched here: its assignments and contacts are imported.");
        }

        if (campaign.Status != "draft")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"Only a draft campaign can be launched; this one is {campaign.Status}.");
        }

        if (campaign.SegmentId is not { } segmentId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign has no target segment.");
        }

        var now = time.GetUtcNow();
        var snapshotId = await snapshots.RequestAsync(tx, campaignId, campaign.Code, segmentId, SnapshotRequester.Launch, ct);
        await connection.ExecuteAsync(new CommandDefinition(LaunchSql, new { CampaignId = campaignId, SnapshotId = snapshotId, Now = now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Accepted($"/v1/campaigns/{campaignId}", new LaunchAccepted(campaignId, "scheduled", "awaiting_snapshot", snapshotId));
    }

    private sealed record CampaignToLaunch(string Kind, string Code, string Status, Guid? SegmentId);
}

using System.Text.Json;
using Campaigns.Features.Design;
using Campaigns.Features.Policy;
using Campaigns.Features.Snapshots;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Campaigns.Features.Preview;

/// <summary>
/// Plan previews: <c>POST /v1/campaigns/{id}/preview</c> asks Segmentation for a snapshot of the target (purpose
/// preview) and answers 202 with the preview's location; <c>GET .../previews/{previewId}</c> is pending until the
/// snapshot has arrived, then counts it once (set-based) and keeps the figures.
/// </summary>
public static class PreviewApi
{
    private const string CampaignSql = "SELECT code, segment_id AS SegmentId, revision, design::text AS Design FROM campaigns WHERE id = @campaignId";

    private const string InsertSql = """
        INSERT INTO previews (preview_id, campaign_id, snapshot_id, revision, design, baseline_response_rate, relative_lift_to_detect, power, alpha, requested_at)
        VALUES (@PreviewId, @CampaignId, @SnapshotId, @Revision, @Design::jsonb, @BaselineResponseRate, @RelativeLiftToDetect, @Power, @Alpha, @Now)
        """;

    private const string LockSql = "SELECT figures::text AS Figures, computed_at AS ComputedAt FROM previews WHERE preview_id = @PreviewId FOR UPDATE";

    private const string SaveSql = "UPDATE previews SET figures = @Figures::jsonb, computed_at = @Now WHERE preview_id = @PreviewId";

    public static IEndpointRouteBuilder MapPreviewApi(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/v1/campaigns/{campaignId:guid}").WithTags("Campaigns");
        campaigns.MapPost("/preview", RequestAsync)
            .WithName("previewCampaign").WithSummary("Queues a plan preview of a draft: cell sizes and the lift each can detect (202)");
        campaigns.MapGet("/previews/{previewId:guid}", GetAsync)
            .WithName("getCampaignPreview").WithSummary("A plan preview: cell sizes, costs and detectable lifts, once computed");
        return app;
    }

    private static async Task<IResult> RequestAsync(
        Guid campaignId, PreviewRequest? request, SnapshotRequester snapshots, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (PreviewRequest.Validate(request, errors) is not { } parameters)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var campaign = await connection.QuerySingleOrDefaultAsync<CampaignToPreview>(
            new CommandDefinition(CampaignSql, new { campaignId }, tx, cancellationToken: ct));
        if (campaign is not { } c)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No campaign {campaignId}.");
        }

        if (c.SegmentId is not { } segmentId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign targets no segment (an external campaign): there is nothing to preview.");
        }

        // Microseconds, as PostgreSQL keeps them, so the answer and later reads agree.
        var now = IsoTimestamp.ToMicroseconds(time.GetUtcNow());
        var snapshotId = await snapshots.RequestAsync(tx, campaignId, c.Code, segmentId, SnapshotRequester.Preview, ct);
        var previewId = Guid.CreateVersion7(now);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            PreviewId = previewId, CampaignId = campaignId, SnapshotId = snapshotId, c.Revision, c.Design,
            parameters.BaselineResponseRate, parameters.RelativeLiftToDetect, parameters.Power, parameters.Alpha, Now = now,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        var view = new PreviewView(previewId, campaignId, c.Revision, snapshotId, "pending", null, parameters, now, null, null);
        return TypedResults.AcceptedAtRoute(view, "getCampaignPreview", new { campaignId, previewId });
    }

    private static async Task<IResult> GetAsync(Guid campaignId, Guid previewId, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PreviewRow>(new CommandDefinition(PreviewRow.SelectSql, new { campaignId, previewId }, cancellationToken: ct));
        if (row is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No preview {previewId} of campaign {campaignId}.");
        }

        if (row.Figures is not null)
        {
            return TypedResults.Ok(View(row, "complete", null, JsonSerializer.Deserialize<PlanFigures>(row.Figures, CampaignDesignJson.Options), row.ComputedAt));
        }

        switch (row.SnapshotStatus)
        {
            case "refused":
                return TypedResults.Ok(View(row, "refused", row.RefusedReason, null, null));
            case not "complete":
                return TypedResults.Ok(View(row, "pending", null, null, null));
        }

        // Counted once: readers arriving together queue on the preview's row, and the later ones find the figures kept.
        await using var tx = await connection.BeginTransactionAsync(ct);
        var kept = await connection.QuerySingleAsync<KeptFigures>(new CommandDefinition(LockSql, new { row.PreviewId }, tx, cancellationToken: ct));
        if (kept.Figures is not null)
        {
            return TypedResults.Ok(View(row, "complete", null, JsonSerializer.Deserialize<PlanFigures>(kept.Figures, CampaignDesignJson.Options), kept.ComputedAt));
        }

        var design = CampaignDesignJson.Deserialize(row.Design);
        var globalControl = await GlobalControl.LoadAsync(connection, tx, ct);
        var counts = await PlanCounts.CountAsync(connection, tx, row.SnapshotId, campaignId, design, globalControl, ct);
        var figures = PlanCalculator.Compute(design, counts, globalControl.Share, row.Parameters);
        var now = IsoTimestamp.ToMicroseconds(time.GetUtcNow());
        await connection.ExecuteAsync(new CommandDefinition(SaveSql,
            new { Figures = JsonSerializer.Serialize(figures, CampaignDesignJson.Options), Now = now, row.PreviewId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(View(row, "complete", null, figures, now));
    }

    private static PreviewView View(PreviewRow row, string status, string? reason, PlanFigures? figures, DateTimeOffset? computedAt) =>
        new(row.PreviewId, row.CampaignId, row.Revision, row.SnapshotId, status, reason, row.Parameters, row.RequestedAt, computedAt, figures);

    private sealed record KeptFigures(string? Figures, DateTimeOffset? ComputedAt);

    private sealed record CampaignToPreview(string Code, Guid? SegmentId, int Revision, string Design);
}

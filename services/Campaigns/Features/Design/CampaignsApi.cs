using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.OpenApi;

namespace Campaigns.Features.Design;

/// <summary><c>/v1/campaigns</c>: design a campaign (create, read, replace while a draft, list).</summary>
public static class CampaignsApi
{
    private const string SegmentSql = "SELECT deleted FROM segments WHERE segment_id = @id";

    private const string InsertSql = """
        INSERT INTO campaigns (id, code, name, kind, objective, segment_id, design, status, revision, created_at, updated_at)
        VALUES (@Id, @Code, @Name, @Kind, @Objective, @SegmentId, @Design::jsonb, 'draft', 1, @Now, @Now)
        ON CONFLICT (code) DO NOTHING
        """;

    // A POST repeated after its answer was lost (a 503, a dropped connection) finds its own campaign unchanged.
    private const string ReplaySql = """
        SELECT id FROM campaigns WHERE code = @Code AND design = @Design::jsonb AND status = 'draft' AND revision = 1
        """;

    private const string LockSql = "SELECT status, revision FROM campaigns WHERE id = @id FOR UPDATE";

    private const string UpdateSql = """
        UPDATE campaigns SET code = @Code, name = @Name, kind = @Kind, objective = @Objective, segment_id = @SegmentId,
               design = @Design::jsonb, revision = revision + 1, updated_at = @Now
        WHERE id = @Id
        """;

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/v1/campaigns").WithApiTag("Campaigns", "Campaign designs: target segment, cells with their shares, control group, waves, offers and costs; preview and launch.");
        campaigns.MapPost("/", CreateAsync)
            .WithName("createCampaign").WithSummary("Creates a draft campaign from its design (201)")
            .Produces<CampaignView>(StatusCodes.Status201Created);
        campaigns.MapGet("/", ListAsync)
            .WithName("listCampaigns").WithSummary("Campaigns newest first, optionally of one status, a page at a time")
            .Produces<Page<CampaignView>>();
        campaigns.MapGet("/{campaignId:guid}", GetAsync)
            .WithName("getCampaign").WithSummary("One campaign: its design, status and launch progress, with its ETag")
            .Produces<CampaignView>();
        campaigns.MapPut("/{campaignId:guid}", UpdateAsync)
            .WithName("updateCampaign").WithSummary("Replaces a draft's design; If-Match with the ETag of a GET guards against lost updates")
            .Produces<CampaignView>();
        return app;
    }

    private static async Task<IResult> CreateAsync(CampaignRequest? request, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var errors = new ValidationErrors();
        if (await ValidateAsync(connection, request, errors, ct) is not { } design)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var parameters = Parameters(id, design, now);
        if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, parameters, cancellationToken: ct)) == 0)
        {
            if (await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(ReplaySql, parameters, cancellationToken: ct)) is { } existing)
            {
                return await ViewAsync(connection, http, existing, StatusCodes.Status200OK, ct);
            }

            return CodeTaken(design.Code);
        }

        return await ViewAsync(connection, http, id, StatusCodes.Status201Created, ct);
    }

    /// <summary>Replaces the design of a draft; <c>If-Match</c> (the ETag of a GET) guards against overwriting someone else's change.</summary>
    private static async Task<IResult> UpdateAsync(Guid campaignId, CampaignRequest? request, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var errors = new ValidationErrors();
        if (await ValidateAsync(connection, request, errors, ct) is not { } design)
        {
            return errors.ToProblem();
        }

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var current = await connection.QuerySingleOrDefaultAsync<CampaignState>(new CommandDefinition(LockSql, new { id = campaignId }, tx, cancellationToken: ct));
            if (current is not { } c)
            {
                return NotFound(campaignId);
            }

            if (!IfMatch(http.Request, c.Revision))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
                    title: $"The campaign has changed: it is at revision {c.Revision} (ETag {CampaignView.ETagOf(c.Revision)}), not the one in If-Match.");
            }

            if (c.Status != CampaignStatus.Draft)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The campaign is {c.Status}: only a draft can be changed.");
            }

            try
            {
                await connection.ExecuteAsync(new CommandDefinition(UpdateSql, Parameters(campaignId, design, time.GetUtcNow()), tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return CodeTaken(design.Code);
            }
        }

        return await ViewAsync(connection, http, campaignId, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> GetAsync(Guid campaignId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await ViewAsync(connection, http, campaignId, StatusCodes.Status200OK, ct);
    }

    /// <summary>Campaigns newest first, a page at a time, optionally of one <c>status</c>; the cursor is the last shown (created_at, id).</summary>
    private static async Task<IResult> ListAsync(HttpRequest http, string? status, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 2);
        var (afterTime, afterId) = PageKeys.TimeAndId(page, errors);
        if (status is not null && !CampaignStatus.All.Contains(status))
        {
            errors.Add("status", $"must be one of {string.Join(", ", CampaignStatus.All)}");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<CampaignRow>(new CommandDefinition($"""
            SELECT {CampaignRow.Columns} FROM campaigns
            WHERE (@Status::text IS NULL OR status = @Status)
              AND (@AfterTime::timestamptz IS NULL OR (created_at, id) < (@AfterTime, @AfterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """, new { Status = status, AfterTime = afterTime, AfterId = afterId, Limit = page!.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, rows.Select(CampaignView.From).ToList(), c => [PageKeys.Time(c.CreatedAt), c.Id.ToString()]));
    }

    private static async Task<CampaignDesign?> ValidateAsync(NpgsqlConnection connection, CampaignRequest? request, ValidationErrors errors, CancellationToken ct)
    {
        // The one fact the validator needs from the database, read before it runs.
        bool? deleted = null;
        if (request?.SegmentId is { } segmentId)
        {
            deleted = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(SegmentSql, new { id = segmentId }, cancellationToken: ct));
        }

        return CampaignDesignValidator.Validate(request, _ => deleted, errors);
    }

    private static async Task<IResult> ViewAsync(NpgsqlConnection connection, HttpContext http, Guid campaignId, int status, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(
            $"SELECT {CampaignRow.Columns} FROM campaigns WHERE id = @campaignId", new { campaignId }, cancellationToken: ct));
        if (row is null)
        {
            return NotFound(campaignId);
        }

        http.Response.Headers.ETag = CampaignView.ETagOf(row.Revision);
        var view = CampaignView.From(row);
        return status == StatusCodes.Status201Created
            ? TypedResults.CreatedAtRoute(view, "getCampaign", new { campaignId })
            : TypedResults.Ok(view);
    }

    // No If-Match: the caller takes the last-writer-wins risk. Otherwise one of its tags (or *) must be the current one.
    private static bool IfMatch(HttpRequest request, int revision)
    {
        if (!request.Headers.ContainsKey(HeaderNames.IfMatch))
        {
            return true;
        }

        var current = CampaignView.ETagOf(revision);
        return request.GetTypedHeaders().IfMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || (!tag.IsWeak && tag.Tag.Equals(current, StringComparison.Ordinal)));
    }

    private static object Parameters(Guid id, CampaignDesign design, DateTimeOffset now) => new
    {
        Id = id, design.Code, design.Name, design.Kind, design.Objective, design.SegmentId, Design = CampaignDesignJson.Serialize(design), Now = now,
    };

    private static ProblemHttpResult CodeTaken(string code)
    {
        var errors = new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["code"] = [$"'{code}' is the code of another campaign"] } };
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A campaign with code '{code}' exists already.", extensions: errors);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No campaign {id}.");

    private sealed record CampaignState(string Status, int Revision);
}

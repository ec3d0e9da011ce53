using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.Segmentation;
using Platform.Data;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Segmentation.Features.Scoring;
using Platform.ServiceDefaults.OpenApi;

namespace Segmentation.Features.Segments;

public static class SegmentsApi
{
    private const int SampleSize = 10;

    private const string SelectSegmentSql = """
        SELECT id, name, description, rule::text AS Rule, created_at AS CreatedAt, updated_at AS UpdatedAt FROM segments
        WHERE deleted_at IS NULL
        """;

    private const string InsertSegmentSql = """
        INSERT INTO segments (id, name, description, rule, created_at, updated_at)
        VALUES (@Id, @Name, @Description, @Rule::jsonb, @Now, @Now)
        ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING
        RETURNING version
        """;

    private const string UpdateSegmentSql = """
        UPDATE segments SET name = @Name, description = @Description, rule = @Rule::jsonb, updated_at = @Now,
            version = nextval('segment_versions') -- evaluated once the row is locked: above every committed version
        WHERE id = @Id AND deleted_at IS NULL
        RETURNING version
        """;

    private const string DeleteSegmentSql = """
        UPDATE segments SET deleted_at = @Now, updated_at = @Now, version = nextval('segment_versions')
        WHERE id = @Id AND deleted_at IS NULL
        RETURNING name, version
        """;

    private const string SelectSnapshotSql = """
        SELECT id, segment_id AS SegmentId, segment_name AS SegmentName, purpose, as_of AS AsOf, score_run_id AS ScoreRunId,
               member_count AS MemberCount, created_at AS CreatedAt
        FROM segment_snapshots
        """;

    private const string SnapshotExistsSql = "SELECT EXISTS (SELECT 1 FROM segment_snapshots WHERE id = @snapshotId)";

    private const string SnapshotMembersSql = """
        SELECT customer_id AS CustomerId, value_tier AS ValueTier, rfm_cell AS RfmCell, clv, p_alive AS ProbabilityAlive,
               churn_risk AS ChurnRisk, deal_seeker AS DealSeeker, consent_email AS ConsentEmail, consent_sms AS ConsentSms,
               consent_mail AS ConsentMail, consent_phone AS ConsentPhone, net_revenue_365 AS NetRevenue365, orders_365 AS Orders365, lifecycle
        FROM segment_snapshot_members
        WHERE snapshot_id = @snapshotId AND customer_id > @after
        ORDER BY customer_id
        LIMIT @limit
        """;

    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        // A rule nested to the compiler's depth limit takes two JSON levels per group: let the compiler, not the JSON
        // reader, report the node that is too deep.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = RuleCompiler.RecommendedJsonMaxDepth);
        return services.AddSingleton<SnapshotWriter>();
    }

    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        var segments = app.MapGroup("/v1/segments").WithApiTag("Segments", "Segments defined by rules over customer profiles, their reports and frozen snapshots of their members.");
        segments.MapGet("/fields", () => TypedResults.Ok(SegmentFields.Describe()))
            .WithName("listSegmentFields").WithSummary("The fields and operators a segment rule may use");
        segments.MapPost("/preview", PreviewAsync)
            .WithName("previewSegment").WithSummary("Counts and describes the customers a rule would select, without saving it");
        segments.MapPost("/", CreateAsync)
            .WithName("createSegment").WithSummary("Creates a segment from a rule (201)");
        segments.MapGet("/", ListAsync)
            .WithName("listSegments").WithSummary("Segments by name, a page at a time");
        segments.MapGet("/{segmentId:guid}", GetAsync)
            .WithName("getSegment").WithSummary("One segment with its rule");
        segments.MapPut("/{segmentId:guid}", UpdateAsync)
            .WithName("updateSegment").WithSummary("Replaces a segment's name and rule");
        segments.MapDelete("/{segmentId:guid}", DeleteAsync)
            .WithName("deleteSegment").WithSummary("Deletes a segment (its snapshots stay)");
        segments.MapGet("/{segmentId:guid}/report", ReportAsync)
            .WithName("getSegmentReport").WithSummary("A segment's size, value and make-up by tier, as of now");
        segments.MapPost("/{segmentId:guid}/snapshots", SnapshotAsync)
            .WithName("createSnapshot").WithSummary("Freezes the segment's current members into a snapshot (201)");
        var snapshots = app.MapGroup("/v1/snapshots").WithTags("Segments");
        snapshots.MapGet("/{snapshotId:guid}", GetSnapshotAsync)
            .WithName("getSnapshot").WithSummary("One snapshot: its segment, time and member count");
        snapshots.MapGet("/{snapshotId:guid}/members", GetSnapshotMembersAsync)
            .WithName("listSnapshotMembers").WithSummary("A snapshot's members, a page at a time");
        return app;
    }

    private static async Task<IResult> PreviewAsync(PreviewRequest? request, ScoringRequests scoring, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var asOf = time.GetUtcNow();
        var rule = Compile(request?.Rule, asOf, errors);
        if (rule is null)
        {
            return errors.ToProblem();
        }

        var margin = (await scoring.GetSettingsAsync(ct)).DefaultMarginRate;
        await using var connection = await db.OpenConnectionAsync(ct);
        var statistics = await SegmentQueries.StatisticsAsync(connection, rule, asOf, margin, ct);
        var sample = await SegmentQueries.SampleAsync(connection, rule, asOf, margin, SampleSize, ct);
        return TypedResults.Ok(new SegmentPreview(asOf, statistics, sample));
    }

    private static async Task<IResult> CreateAsync(SegmentRequest? request, NpgsqlDataSource db, Outbox outbox, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var now = time.GetUtcNow();
        if (Validate(request, now, errors) is not { } valid)
        {
            return errors.ToProblem();
        }

        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(InsertSegmentSql,
            new { Id = id, valid.Name, valid.Description, valid.Rule, Now = now }, tx, cancellationToken: ct));
        if (version is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A segment named '{valid.Name}' exists already.");
        }

        await outbox.AddAsync(tx, new SegmentDefined { SegmentId = id, Name = valid.Name, Deleted = false, Version = version.Value }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.CreatedAtRoute(await FindAsync(connection, id, ct), "getSegment", new { segmentId = id });
    }

    private static async Task<IResult> UpdateAsync(Guid segmentId, SegmentRequest? request, NpgsqlDataSource db, Outbox outbox, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var now = time.GetUtcNow();
        if (Validate(request, now, errors) is not { } valid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(UpdateSegmentSql,
                new { Id = segmentId, valid.Name, valid.Description, valid.Rule, Now = now }, tx, cancellationToken: ct));
            if (version is null)
            {
                return NotFound("segment", segmentId);
            }

            await outbox.AddAsync(tx, new SegmentDefined { SegmentId = segmentId, Name = valid.Name, Deleted = false, Version = version.Value }, ct);
            await tx.CommitAsync(ct);
            return TypedResults.Ok(await FindAsync(connection, segmentId, ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A segment named '{valid.Name}' exists already.");
        }
    }

    /// <summary>
    /// Deletes a segment: it is no longer listed, reported or snapshotted (commands for it are refused) and its name is
    /// free again, while the snapshots taken of it stay. Announced with <see cref="SegmentDefined"/> (deleted).
    /// </summary>
    private static async Task<IResult> DeleteAsync(Guid segmentId, NpgsqlDataSource db, Outbox outbox, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.QuerySingleOrDefaultAsync<DeletedSegment>(new CommandDefinition(DeleteSegmentSql,
            new { Id = segmentId, Now = time.GetUtcNow() }, tx, cancellationToken: ct));
        if (deleted is null)
        {
            return NotFound("segment", segmentId);
        }

        await outbox.AddAsync(tx, new SegmentDefined { SegmentId = segmentId, Name = deleted.Name, Deleted = true, Version = deleted.Version }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Segments by name (unique), a page at a time; the cursor is the last shown name.</summary>
    private static async Task<IResult> ListAsync(HttpRequest http, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (PageRequest.Read(http, errors, keyParts: 1) is not { } page)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SegmentRow>(new CommandDefinition(
            SelectSegmentSql + " AND (@After::text IS NULL OR name > @After) ORDER BY name LIMIT @Limit",
            new { After = page.Key?[0], Limit = page.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, rows.Select(Segment.From).ToList(), s => [s.Name]));
    }

    private static async Task<IResult> GetAsync(Guid segmentId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, segmentId, ct) is { } segment ? TypedResults.Ok(segment) : NotFound("segment", segmentId);
    }

    private static async Task<IResult> ReportAsync(Guid segmentId, ScoringRequests scoring, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await FindRowAsync(connection, segmentId, ct) is not { } row)
        {
            return NotFound("segment", segmentId);
        }

        var asOf = time.GetUtcNow();
        var rule = StoredRule(row, asOf);
        var statistics = await SegmentQueries.StatisticsAsync(connection, rule, asOf, (await scoring.GetSettingsAsync(ct)).DefaultMarginRate, ct);
        return TypedResults.Ok(new SegmentReport(Segment.From(row), asOf, statistics));
    }

    private static async Task<IResult> SnapshotAsync(Guid segmentId, SnapshotRequest? request, SnapshotWriter writer, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.MaxLength("purpose", request?.Purpose, 200);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var outcome = await writer.CreateAsync(tx, Guid.CreateVersion7(), segmentId, request?.Purpose, ct);
        if (outcome.Snapshot is not { } snapshot)
        {
            return NotFound("segment", segmentId); // unknown or deleted
        }

        await tx.CommitAsync(ct);
        SegmentationTelemetry.SnapshotMembers.Add(snapshot.MemberCount);
        return TypedResults.CreatedAtRoute(snapshot, "getSnapshot", new { snapshotId = snapshot.Id });
    }

    private static async Task<IResult> GetSnapshotAsync(Guid snapshotId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var snapshot = await connection.QuerySingleOrDefaultAsync<SnapshotInfo>(new CommandDefinition(
            SelectSnapshotSql + " WHERE id = @snapshotId", new { snapshotId }, cancellationToken: ct));
        return snapshot is null ? NotFound("snapshot", snapshotId) : TypedResults.Ok(snapshot);
    }

    /// <summary>Members in customer id order, a page at a time (the shared paging: follow <c>next</c>).</summary>
    private static async Task<IResult> GetSnapshotMembersAsync(Guid snapshotId, HttpRequest http, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 1);
        var after = Guid.Empty;
        if (page?.Key is [var id] && !PageKeys.TryId(id, out after))
        {
            errors.Add("after", PageRequest.BadCursor);
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SnapshotExistsSql, new { snapshotId }, cancellationToken: ct)))
        {
            return NotFound("snapshot", snapshotId);
        }

        var members = (await connection.QueryAsync<SnapshotMemberRow>(new CommandDefinition(SnapshotMembersSql,
            new { snapshotId, after, limit = page!.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, members, m => [m.CustomerId.ToString()]));
    }

    private static CompiledRule? Compile(JsonElement? rule, DateTimeOffset asOf, ValidationErrors errors)
    {
        if (rule is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            errors.Add("rule", "is required");
            return null;
        }

        return RuleCompiler.Compile(element, asOf, errors.WithPrefix("rule"));
    }

    private static ValidSegment? Validate(SegmentRequest? request, DateTimeOffset asOf, ValidationErrors errors)
    {
        if (request is null)
        {
            errors.Add("", "a segment object is required");
            return null;
        }

        var name = request.Name?.Trim();
        if (errors.Required("name", name))
        {
            errors.MaxLength("name", name, 200);
        }

        errors.MaxLength("description", request.Description, 2000);
        var compiled = Compile(request.Rule, asOf, errors);
        return errors.HasErrors || compiled is null ? null : new ValidSegment(name!, request.Description, request.Rule!.Value.GetRawText());
    }

    // A stored rule compiled before it was saved; the field whitelist only grows, so it still compiles.
    internal static CompiledRule StoredRule(SegmentRow row, DateTimeOffset asOf)
    {
        using var document = JsonDocument.Parse(row.Rule);
        var errors = new ValidationErrors();
        return RuleCompiler.Compile(document.RootElement, asOf, errors)
            ?? throw new InvalidOperationException($"Stored rule of segment {row.Id} no longer compiles: {string.Join("; ", errors.ToDictionary().Keys)}");
    }

    private static async Task<Segment?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken ct) =>
        await FindRowAsync(connection, id, ct) is { } row ? Segment.From(row) : null;

    private static Task<SegmentRow?> FindRowAsync(NpgsqlConnection connection, Guid id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<SegmentRow>(new CommandDefinition(SelectSegmentSql + " AND id = @id", new { id }, cancellationToken: ct));

    private static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No {what} {id}.");

    private sealed record ValidSegment(string Name, string? Description, string Rule);

    private sealed record DeletedSegment(string Name, long Version);
}

/// <summary>A rule to try before saving it.</summary>
public sealed record PreviewRequest(JsonElement? Rule);

/// <summary>A segment to create or replace.</summary>
public sealed record SegmentRequest(string? Name, string? Description, JsonElement? Rule);

/// <summary>What a snapshot is taken for.</summary>
public sealed record SnapshotRequest(string? Purpose);

public sealed record SegmentRow(Guid Id, string Name, string? Description, string Rule, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A saved segment.</summary>
public sealed record Segment(Guid Id, string Name, string? Description, JsonElement Rule, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static Segment From(SegmentRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var document = JsonDocument.Parse(row.Rule);
        return new Segment(row.Id, row.Name, row.Description, document.RootElement.Clone(), row.CreatedAt, row.UpdatedAt);
    }
}

/// <summary>Statistics and sample members of a rule, as of now.</summary>
public sealed record SegmentPreview(DateTimeOffset AsOf, SegmentStatistics Statistics, IReadOnlyList<SampleMember> Sample);

/// <summary>A saved segment's statistics, as of now.</summary>
public sealed record SegmentReport(Segment Segment, DateTimeOffset AsOf, SegmentStatistics Statistics);

public sealed record SnapshotMemberRow(
    Guid CustomerId, string? ValueTier, string? RfmCell, double? Clv, double? ProbabilityAlive, string? ChurnRisk, bool DealSeeker,
    bool? ConsentEmail, bool? ConsentSms, bool? ConsentMail, bool? ConsentPhone, decimal NetRevenue365, int Orders365, string? Lifecycle);

using Dapper;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.OpenApi;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Execution as marketers and auditors see it: <c>POST /v1/campaigns/{id}/cancel</c>, the contacts ledger
/// (<c>GET /v1/campaigns/{id}/contacts</c>, paged) and the blocks by reason (<c>GET /v1/campaigns/{id}/blocks</c>).
/// </summary>
public static class DispatchApi
{
    private const string StatusSql = "SELECT status FROM campaigns WHERE id = @Id FOR UPDATE";

    private const string ContactsSql = """
        SELECT contact_id AS ContactId, customer_id AS CustomerId, cell, wave, step, channel, offer_code AS OfferCode, cost, at,
               status, block_reason AS BlockReason
        FROM contacts
        WHERE campaign_id = @Id AND (@Step::int IS NULL OR step = @Step) AND (@Status::text IS NULL OR status = @Status)
          AND contact_id > @After
        ORDER BY contact_id
        LIMIT @Limit
        """;

    private const string BlocksSql = """
        SELECT status AS Outcome, block_reason AS Reason, step, count(*) AS Count FROM contacts
        WHERE campaign_id = @Id AND status IN ('blocked', 'skipped') GROUP BY status, block_reason, step
        UNION ALL
        SELECT 'deferred', reason, step, count(*) FROM contact_deferrals WHERE campaign_id = @Id GROUP BY reason, step
        ORDER BY 1, 3, 2
        """;

    public static IEndpointRouteBuilder MapDispatchApi(this IEndpointRouteBuilder app)
    {
        var campaigns = app.MapGroup("/v1/campaigns").WithApiTag("Dispatch", "A launched campaign's contacts, blocked contacts and cancellation.");
        campaigns.MapPost("/{campaignId:guid}/cancel", CancelAsync)
            .WithName("cancelCampaign").WithSummary("Cancels a campaign: contacts not yet dispatched are never sent");
        campaigns.MapGet("/{campaignId:guid}/contacts", ContactsAsync)
            .WithName("listCampaignContacts").WithSummary("A campaign's contacts, optionally of one step or status, a page at a time");
        campaigns.MapGet("/{campaignId:guid}/blocks", BlocksAsync)
            .WithName("listCampaignBlocks").WithSummary("Why contacts were blocked, skipped or deferred, counted per step");
        return app;
    }

    private static async Task<IResult> CancelAsync(Guid campaignId, NpgsqlDataSource db, CampaignCompletion completion, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(StatusSql, new { Id = campaignId }, tx, cancellationToken: ct));
        switch (status)
        {
            case null:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such campaign.");
            case "cancelled":
                return TypedResults.Ok(new { status }); // asked twice: the same answer, no second event
            case "scheduled" or "running":
                await completion.EndAsync(tx, campaignId, "cancelled", ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(new { status = "cancelled" });
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A {status} campaign cannot be cancelled: only a scheduled or running one.");
        }
    }

    private static async Task<IResult> ContactsAsync(Guid campaignId, HttpRequest request, int? step, string? status, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (status is not (null or ContactStatus.Dispatched or ContactStatus.Exported or ContactStatus.Blocked or ContactStatus.Skipped))
        {
            errors.Add("status", "must be dispatched, exported, blocked or skipped");
        }

        var page = PageRequest.Read(request, errors, 1);
        var after = Guid.Empty;
        if (page?.Key is [var key] && !PageKeys.TryId(key, out after))
        {
            errors.Add("after", PageRequest.BadCursor);
        }

        if (errors.HasErrors || page is null)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<ContactView>(new CommandDefinition(ContactsSql,
            new { Id = campaignId, Step = step, Status = status, After = after, Limit = page.FetchLimit }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(page.ToPage(request, rows, c => [c.ContactId.ToString("D")]));
    }

    private static async Task<IResult> BlocksAsync(Guid campaignId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BlockSummary>(new CommandDefinition(BlocksSql, new { Id = campaignId }, cancellationToken: ct));
        return TypedResults.Ok(rows.AsList());
    }
}

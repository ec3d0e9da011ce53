using System.Globalization;
using System.Text;
using Campaigns.Features.Policy;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.OpenApi;

namespace Campaigns.Features.Channels;

/// <summary>
/// Channel adapters: <c>PUT/GET /v1/channels/{channel}</c>; webhook deliveries (<c>GET /v1/deliveries</c>,
/// <c>POST /v1/deliveries/{id}/replay</c>); the file of a step's contacts for the mail house or call centre
/// (<c>GET /v1/campaigns/{id}/steps/{step}/export.csv</c>).
/// </summary>
public static class ChannelsApi
{
    private const string UpsertSql = """
        INSERT INTO channel_configs (channel, mode, url, secret, updated_at) VALUES (@Channel, @Mode, @Url, @Secret, @Now)
        ON CONFLICT (channel) DO UPDATE SET mode = excluded.mode, url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at
        """;

    private const string SelectSql = "SELECT channel, mode, url, secret, updated_at AS UpdatedAt FROM channel_configs WHERE channel = @Channel";

    private const string DeliveriesSql = """
        SELECT id, campaign_id AS CampaignId, channel, wave, step, jsonb_array_length(payload->'contacts') AS Contacts, status,
               attempts, replays, last_error AS LastError, created_at AS CreatedAt, delivered_at AS DeliveredAt
        FROM deliveries
        WHERE (@Status::text IS NULL OR status = @Status)
          AND (@AfterTime::timestamptz IS NULL OR (created_at, id) > (@AfterTime, @AfterId))
        ORDER BY created_at, id
        LIMIT @Limit
        """;

    private const string ReplaySql = """
        UPDATE deliveries SET status = 'pending', replays = replays + 1, last_error = NULL
        WHERE id = @Id AND status = 'parked'
        RETURNING replays
        """;

    private const string ExportSql = """
        SELECT k.contact_id AS ContactId, k.customer_id AS CustomerId, k.cell, k.wave, k.step, k.channel, k.offer_code AS OfferCode,
               k.cost, k.at, k.status, c.first_name AS FirstName, c.last_name AS LastName, c.email, c.phone,
               c.address_line AS AddressLine, c.postal_code AS PostalCode, c.city, c.region, c.country
        FROM contacts k LEFT JOIN customers c ON c.customer_id = k.customer_id AND NOT k.erased
        WHERE k.campaign_id = @CampaignId AND k.step = @Step AND (@Wave::int IS NULL OR k.wave = @Wave)
          AND k.status IN ('dispatched', 'exported')
        ORDER BY k.wave, k.contact_id
        """;

    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/v1/channels").WithApiTag("Channels", "Channel adapters (signed webhooks, exported files), their deliveries and replays.");
        channels.MapPut("/{channel}", PutAsync)
            .WithName("configureChannel").WithSummary("Configures a channel's adapter: its webhook address and signing secret, or file export");
        channels.MapGet("/{channel}", GetAsync)
            .WithName("getChannel").WithSummary("A channel's configuration (the secret is never shown)");
        var deliveries = app.MapGroup("/v1/deliveries").WithTags("Channels");
        deliveries.MapGet("/", ListDeliveriesAsync)
            .WithName("listDeliveries").WithSummary("Webhook deliveries to the channels, oldest first, optionally of one status, a page at a time");
        deliveries.MapPost("/{deliveryId:guid}/replay", ReplayAsync)
            .WithName("replayDelivery").WithSummary("Sends a parked webhook delivery again");
        app.MapGet("/v1/campaigns/{campaignId:guid}/steps/{step:int}/export.csv", ExportAsync).WithTags("Channels")
            .WithName("exportCampaignStep").WithSummary("The contacts of one channel step as a CSV file for a mail house or call centre")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    private static async Task<IResult> PutAsync(string channel, ChannelConfigRequest? request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!ChannelNames.IsKnown(channel))
        {
            errors.Add("channel", "must be one of " + string.Join(", ", ChannelNames.All));
        }

        if (request is null)
        {
            errors.Add("body", "is required: a channel configuration object");
        }

        if (request?.Validate(errors) is not { } valid || errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new { Channel = channel, valid.Mode, valid.Url, valid.Secret, Now = now }, cancellationToken: ct));
        return TypedResults.Ok(new ChannelView(channel, valid.Mode, valid.Url, valid.Secret is not null, now));
    }

    private static async Task<IResult> GetAsync(string channel, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!ChannelNames.IsKnown(channel))
        {
            var errors = new ValidationErrors();
            errors.Add("channel", "must be one of " + string.Join(", ", ChannelNames.All));
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var config = await connection.QuerySingleOrDefaultAsync<ChannelConfig>(new CommandDefinition(SelectSql, new { Channel = channel }, cancellationToken: ct));
        return TypedResults.Ok(config is null
            ? new ChannelView(channel, "file", null, false, null)
            : new ChannelView(channel, config.Mode, config.Url, config.Secret is not null, config.UpdatedAt));
    }

    private static async Task<IResult> ListDeliveriesAsync(HttpRequest request, string? status, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (status is not (null or "pending" or "delivered" or "parked"))
        {
            errors.Add("status", "must be pending, delivered or parked");
        }

        var page = PageRequest.Read(request, errors, 2);
        var (afterTime, afterId) = PageKeys.TimeAndId(page, errors);
        if (errors.HasErrors || page is null)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<DeliveryView>(new CommandDefinition(DeliveriesSql,
            new { Status = status, AfterTime = afterTime, AfterId = afterId ?? Guid.Empty, Limit = page.FetchLimit }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(page.ToPage(request, rows, d => [PageKeys.Time(d.CreatedAt), d.Id.ToString("D")]));
    }

    private static async Task<IResult> ReplayAsync(Guid deliveryId, NpgsqlDataSource db, JobStore jobs, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var replays = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(ReplaySql, new { Id = deliveryId }, tx, cancellationToken: ct));
        if (replays is not { } n)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a parked delivery can be replayed (or it does not exist).");
        }

        await jobs.EnqueueAsync(tx, ChannelJobs.Delivery, new DeliveryJob(deliveryId), time.GetUtcNow(), $"{deliveryId}/replay/{n}", ct);
        await tx.CommitAsync(ct);
        return TypedResults.Accepted($"/v1/deliveries?status=pending");
    }

    private static async Task<IResult> ExportAsync(Guid campaignId, int step, int? wave, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM campaigns WHERE id = @campaignId)", new { campaignId }, cancellationToken: ct)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such campaign.");
        }

        var policy = await ContactPolicyStore.LoadAsync(connection, null, ct);
        var rows = await connection.QueryAsync<ExportRow>(new CommandDefinition(ExportSql, new { CampaignId = campaignId, Step = step, Wave = wave }, cancellationToken: ct));
        var csv = new StringBuilder();
        csv.Append("contact_id,customer_id,cell,wave,step,channel,offer_code,cost,at,status,first_name,last_name,address_line,postal_code,city,region,country,phone,email,time_zone,call_window\n");
        foreach (var r in rows)
        {
            var mail = r.Channel == ChannelNames.DirectMail;
            var phone = r.Channel is ChannelNames.OutboundCall or ChannelNames.Sms;
            var call = r.Channel == ChannelNames.OutboundCall && r.FirstName is not null;
            string?[] fields =
            [
                r.ContactId.ToString(), r.CustomerId.ToString(), r.Cell, r.Wave.ToString(CultureInfo.InvariantCulture),
                r.Step.ToString(CultureInfo.InvariantCulture), r.Channel, r.OfferCode, r.Cost.ToString(CultureInfo.InvariantCulture),
                r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), r.Status, r.FirstName, r.LastName,
                mail ? r.AddressLine : null, mail ? r.PostalCode : null, mail ? r.City : null, mail ? r.Region : null, mail ? r.Country?.Trim() : null,
                phone ? r.Phone : null, r.Channel == ChannelNames.Email ? r.Email : null,
                call ? policy.ZoneOf(r.Country?.Trim(), r.Region).Id : null, call ? policy.CallWindow(ChannelNames.OutboundCall) : null,
            ];
            csv.AppendJoin(',', fields.Select(Escape)).Append('\n');
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    // RFC 4180 quoting; a leading = or @ is prefixed with ' so a spreadsheet shows it as text, not a formula (phone numbers keep their +).
    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private sealed record ExportRow(
        Guid ContactId, Guid CustomerId, string Cell, int Wave, int Step, string Channel, string? OfferCode, decimal Cost,
        DateTimeOffset At, string Status, string? FirstName, string? LastName, string? Email, string? Phone, string? AddressLine,
        string? PostalCode, string? City, string? Region, string? Country);
}

using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Csv;
using Platform.ServiceDefaults.Validation;
using Platform.ServiceDefaults.OpenApi;

namespace Campaigns.Features.External;

/// <summary>
/// Campaigns run elsewhere (kind <c>external</c>): their assignments and contacts come from CSV files and are published
/// as the same events a launched campaign publishes.
/// </summary>
public static class ExternalCampaignsApi
{
    public static IServiceCollection AddExternalCampaigns(this IServiceCollection services) =>
        services.AddSingleton<AssignmentImport>().AddSingleton<ContactImport>();

    public static IEndpointRouteBuilder MapExternalCampaignsApi(this IEndpointRouteBuilder app)
    {
        var campaign = app.MapGroup("/v1/campaigns/{campaignId:guid}").WithApiTag("External campaigns", "Campaigns run outside the platform, measured here from their imported assignments and contacts.");
        campaign.MapPost("/assignments", ImportAssignmentsAsync)
            .WithName("importExternalAssignments")
            .WithSummary("Import an external campaign's assignments from a CSV file")
            .WithDescription("""
                Send the CSV file as the request body (Content-Type text/csv, UTF-8). Columns (header, any case): the customer as
                `customer_id`, or `source` and `external_id` as in Ingestion; `cell` (a cell code of the design, `control` included);
                optional `wave` (default 1), `value_tier`, `clv`, `deal_seeker`, `net_revenue_365`, `orders_365`, `lifecycle`.
                All or nothing: any bad row refuses the file with every error named (`rows[N].column`, N counting data rows from 1).
                The campaign then runs and publishes CampaignLaunched and CustomersAssigned. The same file again changes nothing.
                """)
            .Accepts<string>("text/csv")
            .Produces<ExternalImportResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        campaign.MapPost("/contacts", ImportContactsAsync)
            .WithName("importExternalContacts")
            .WithSummary("Import the contacts an external campaign made, from a CSV file")
            .WithDescription("""
                Send the CSV file as the request body (Content-Type text/csv, UTF-8), after the assignments. Columns: the customer
                (`customer_id`, or `source` and `external_id`); `channel` (direct_mail, outbound_call, email, sms); `at` (a date
                yyyy-MM-dd or a timestamp); `cost`; optional `step` (plan step, default 1) and `offer_code`. All or nothing; one
                contact per customer and step, and the same file again records nothing new. Contacts are published in
                ContactsDispatched; contacts made to control members are recorded as they happened and counted in the answer.
                """)
            .Accepts<string>("text/csv")
            .Produces<ExternalImportResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    private static async Task<IResult> ImportAssignmentsAsync(
        Guid campaignId, [FromQuery] string? startedAt, HttpRequest request, AssignmentImport import, CancellationToken ct)
    {
        if (!CsvDialect.IsCsvContentType(request.ContentType))
        {
            return UnsupportedMediaType(request.ContentType);
        }

        DateTimeOffset? started = null;
        if (startedAt is not null)
        {
            if (!IsoTimestamp.TryParse(startedAt, out var parsed))
            {
                var errors = new ValidationErrors();
                errors.Add("startedAt", "must be a timestamp (yyyy-MM-ddTHH:mm[:ss[.f]] with Z or ±HH:mm)");
                return errors.ToProblem();
            }

            started = parsed;
        }

        return await ReadFileAsync(request, text => import.ImportAsync(campaignId, text, started, ct), campaignId);
    }

    private static async Task<IResult> ImportContactsAsync(Guid campaignId, HttpRequest request, ContactImport import, CancellationToken ct)
    {
        if (!CsvDialect.IsCsvContentType(request.ContentType))
        {
            return UnsupportedMediaType(request.ContentType);
        }

        return await ReadFileAsync(request, text => import.ImportAsync(campaignId, text, ct), campaignId);
    }

    // The body as UTF-8 text; bytes that are not UTF-8 refuse the file.
    private static async Task<IResult> ReadFileAsync(HttpRequest request, Func<TextReader, Task<ExternalImportOutcome>> import, Guid campaignId)
    {
        using var text = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        try
        {
            return ToResult(await import(text), campaignId);
        }
        catch (DecoderFallbackException)
        {
            var errors = new ValidationErrors();
            errors.Add("file", "is not valid UTF-8");
            return errors.ToProblem();
        }
    }

    internal static IResult ToResult(ExternalImportOutcome outcome, Guid campaignId)
    {
        if (outcome.IsNotFound)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Campaign {campaignId} not found.");
        }

        if (outcome.ConflictReason is { } reason)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: reason);
        }

        if (outcome.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(),
                title: "The file has invalid rows; nothing was imported.",
                extensions: new Dictionary<string, object?> { ["errorCount"] = Math.Max(outcome.ErrorCount, errors.Count) });
        }

        return TypedResults.Ok(outcome.Result);
    }

    internal static ProblemHttpResult UnsupportedMediaType(string? contentType) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Send the file as the request body with Content-Type text/csv (UTF-8).",
        detail: $"Content-Type was '{contentType}'.");
}

using System.ComponentModel;
using System.Globalization;
using System.Text;
using Dapper;
using Ingestion.Features.Transactions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Platform.Data.Jobs;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Csv;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.Validation;
using Platform.ServiceDefaults.OpenApi;

namespace Ingestion.Features.Imports;

/// <summary><c>/v1/imports</c>: bulk CSV files of transactions, customers or responses, imported in the background.</summary>
public static class ImportsApi
{
    public const string Rules = """
        Send the CSV file itself as the request body with Content-Type text/csv (UTF-8, a BOM is fine; RFC 4180: comma
        separated, double quotes, a header line). The file is streamed to disk (any size up to Imports__MaxFileBytes,
        8 GiB by default) while its SHA-256 is computed and every byte is checked to be UTF-8 text without NUL bytes;
        the header is checked against the kind's columns (names in snake_case, any order, case-insensitive). A file that
        fails these checks is refused with 400 (415 for another content type) naming the problem, and nothing is stored.
        Otherwise the answer is 202 with the import's id and Location /v1/imports/{id}; a background job then
        validates every row exactly as the JSON API does, writes valid rows in chunks of 10,000 (each chunk, its
        progress and its row errors commit together), and records each bad row's problems (row number, column,
        message; 1 = the first line after the header; no values). Importing the same file again stores and publishes
        nothing new (rowsNew = 0). If the file turns out bad part-way (e.g. a quoted field never closed), the import
        fails with that row's number and the chunks committed before it stay.
        Columns — transactions: source, order_id, customer_id | customer_external_id (one is required), customer_source,
        occurred_at, gross_amount, discount_amount, cost_amount, currency (required unless &currency= is given),
        quantity, channel, category, promotion_code, campaign_code, is_return (true/false). Required: source, order_id,
        occurred_at, gross_amount. A CDNOW-style file with only source,order_id,customer_external_id,occurred_at,
        gross_amount,quantity works with ?kind=transactions&createCustomers=true&currency=USD.
        Responses: source, response_id, campaign_code, customer_id | customer_external_id, customer_source, channel,
        type, occurred_at, value. Required: source, campaign_code, channel, type, occurred_at and a customer column.
        Customers: source, external_id (required), lifecycle, first_name, last_name, email, phone, address_line,
        postal_code, city, region, country, gender, birth_date, join_date, acquisition_channel, acquisition_campaign,
        consent_email, consent_sms, consent_mail, consent_phone (true/false), consent_at, and free attributes as
        attr.KEY (text), attr.KEY:number or attr.KEY:boolean.
        """;

    public static IServiceCollection AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection("Imports"));
        services.AddSingleton<TransactionImport>();
        services.AddSingleton<ResponseImport>();
        services.AddSingleton<CustomerImport>();
        services.AddSingleton<ImportKinds>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton<ImportProcessor>();
        services.AddJob<RunImport, ImportJobHandler>(ImportJobHandler.Kind, ImportJobHandler.Configure);

        // Imports__PollInterval predates the shared scheduler: it still sets the scheduler's poll unless Jobs__PollInterval does.
        if (configuration["Jobs:PollInterval"] is null && configuration.GetValue<TimeSpan?>("Imports:PollInterval") is { } poll)
        {
            services.Configure<JobSchedulerOptions>(o => o.PollInterval = poll);
        }
        return services;
    }

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/imports").WithApiTag("Imports", "Bulk CSV files of customers, transactions or responses, imported in the background with a per-row error report.");
        group.MapPost("/", UploadAsync)
            .WithName("startImport")
            .WithSummary("Uploads a CSV file of transactions, customers or responses and queues its import (202).")
            .WithDescription(Rules)
            .WithMetadata(new DisableRequestSizeLimitAttribute()) // this endpoint only; its own limit is Imports__MaxFileBytes
            .Produces<ImportAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{importId:guid}", GetAsync)
            .WithName("getImport")
            .WithSummary("An import's status, counts, timings, error count and first errors.")
            .Produces<ImportReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{importId:guid}/errors", GetErrorsAsync)
            .WithName("getImportErrors")
            .WithSummary("Every rejected row's problems: CSV (row_number,field,message, streamed), or with ?format=json a page { items, next } (?after=&limit=).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .Produces<Page<ImportErrorItem>>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http,
        [Description("transactions, customers or responses")] string? kind,
        [Description("Transactions and responses: create a minimal customer for an unknown customer_external_id instead of rejecting the row.")] bool? createCustomers,
        [Description("Transactions: currency (ISO 4217) of rows whose currency is empty, or of a file without a currency column.")] string? currency,
        [Description("The file's name, kept for the report.")] string? fileName,
        ImportKinds kinds,
        ImportStore store,
        IOptions<ImportOptions> options,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var importKind = kinds.Find(kind);
        if (importKind is null)
        {
            errors.Add("kind", "must be one of " + string.Join(", ", kinds.Names));
        }

        var defaultCurrency = currency is null ? null : Currencies.Normalize(currency);
        if (currency is not null && defaultCurrency is null)
        {
            errors.Add("currency", "must be an active ISO 4217 code such as USD");
        }
        else if (currency is not null && importKind is not null and not TransactionImport)
        {
            errors.Add("currency", "applies only to transactions");
        }

        if (createCustomers == true && importKind is CustomerImport)
        {
            errors.Add("createCustomers", "applies only to transactions and responses");
        }

        errors.MaxLength("fileName", fileName, 255);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        if (!CsvDialect.IsCsvContentType(http.Request.ContentType))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the file as the request body with Content-Type text/csv (UTF-8).",
                detail: $"Content-Type was '{http.Request.ContentType}'.");
        }

        var limit = options.Value.MaxFileBytes;
        if (http.Request.ContentLength > limit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"The file is larger than {limit:N0} bytes.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        var settings = new ImportSettings(createCustomers == true, defaultCurrency);
        var importId = Guid.CreateVersion7();
        Directory.CreateDirectory(options.Value.SpoolDirectory);
        var partPath = Path.Combine(options.Value.SpoolDirectory, $"{importId}.part");
        var spoolPath = Path.Combine(options.Value.SpoolDirectory, $"{importId}.csv");
        CsvSpooler.Result file;
        try
        {
            file = await CsvSpooler.SpoolAsync(http.Request.Body, partPath, line => CsvHeader.Check(importKind!, CsvHeader.NamesOf(line), settings).Problems, ct);
        }
        catch
        {
            File.Delete(partPath);
            throw;
        }

        if (file.Problem is not null)
        {
            File.Delete(partPath);
            errors.Add(file.ProblemField!, file.Problem);
            return errors.ToProblem();
        }

        File.Move(partPath, spoolPath);
        await store.InsertAsync(importId, importKind!.Name, fileName, file, settings, spoolPath, options.Value.ChunkRows, ct);
        return TypedResults.Accepted($"/v1/imports/{importId}", new ImportAccepted(importId, "queued", importKind.Name, file.Bytes, file.Sha256));
    }

    private static async Task<IResult> GetAsync(Guid importId, ImportStore store, CancellationToken ct)
    {
        var report = await store.ReportAsync(importId, firstErrors: 20, ct);
        return report is null ? NotFound(importId) : TypedResults.Ok(report);
    }

    private static async Task<IResult> GetErrorsAsync(
        Guid importId,
        [Description("csv (default) or json")] string? format,
        HttpContext http,
        ImportStore store,
        NpgsqlDataSource db,
        CancellationToken ct)
    {
        if (!await store.ExistsAsync(importId, ct))
        {
            return NotFound(importId);
        }

        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return await ErrorsPageAsync(http.Request, db, importId, ct);
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{importId}-errors.csv\"";
        await using var connection = await db.OpenConnectionAsync(ct);
        // COPY cannot take parameters; the id is a parsed Guid, so its text is safe to embed.
        using var export = await connection.BeginTextExportAsync(
            $"COPY (SELECT row_number, field, message FROM import_errors WHERE import_id = '{importId:D}' ORDER BY row_number, field) TO STDOUT (FORMAT csv, HEADER)", ct);
        await using var body = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        var buffer = new char[1 << 15];
        int read;
        while ((read = await export.ReadAsync(buffer, ct)) > 0)
        {
            await body.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        return TypedResults.Empty;
    }

    // The JSON form is a list like every other: keyset pages in (row_number, field) order. The CSV form stays one download.
    private static async Task<IResult> ErrorsPageAsync(HttpRequest http, NpgsqlDataSource db, Guid importId, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 2);
        long? afterRow = null;
        string? afterField = null;
        if (page?.Key is [var row, var field])
        {
            if (PageKeys.TryNumber(row, out var r))
            {
                (afterRow, afterField) = (r, field);
            }
            else
            {
                errors.Add("after", PageRequest.BadCursor);
            }
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (await connection.QueryAsync<ImportErrorItem>(new CommandDefinition("""
            SELECT row_number AS RowNumber, field, message FROM import_errors
            WHERE import_id = @ImportId AND (@AfterRow::bigint IS NULL OR (row_number, field) > (@AfterRow, @AfterField))
            ORDER BY row_number, field
            LIMIT @Limit
            """, new { ImportId = importId, AfterRow = afterRow, AfterField = afterField, Limit = page!.FetchLimit }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(page.ToPage(http, items, e => [e.RowNumber.ToString(CultureInfo.InvariantCulture), e.Field]));
    }

    private static ProblemHttpResult NotFound(Guid importId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Import {importId} not found.");
}

/// <summary>The answer to an upload: the import's id (see Location) and its status, <c>queued</c>.</summary>
public sealed record ImportAccepted(Guid ImportId, string Status, string Kind, long FileBytes, string FileSha256);

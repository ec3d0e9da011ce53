using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Ingestion.Features.Customers;

public static class CustomersApi
{
    /// <summary>Most customers in one batch request.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>Largest batch body: 10,000 customers with attributes fit comfortably; more is refused with 413.</summary>
    public const long MaxBatchBytes = 32L * 1024 * 1024;

    private const long MaxSingleBytes = 1024 * 1024;

    /// <summary>Registers the customer writers for this feature and for the features that write customers too (imports, responses).</summary>
    public static IServiceCollection AddCustomers(this IServiceCollection services)
    {
        services.AddSingleton<ConsentWriter>();
        services.AddSingleton<CustomerWriter>();
        services.AddSingleton<CustomerEraser>();
        return services;
    }

    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/customers")
            .WithApiTag("Customers", "Customers by (source, external id), with their contact details and consents; erasure of a customer everywhere.");
        group.MapPost("/", UpsertAsync).WithMetadata(new RequestSizeLimitAttribute(MaxSingleBytes))
            .WithName("upsertCustomer")
            .WithSummary("Creates or updates one customer by (source, external id): 201 when new, 200 otherwise")
            .Produces<CustomerResponse>(StatusCodes.Status201Created)
            .Produces<CustomerResponse>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/batch", UpsertBatchAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBatchBytes))
            .WithName("upsertCustomersBatch")
            .WithSummary("Creates or updates up to 10,000 customers, all or nothing")
            .Produces<List<BatchItemResult>>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{customerId:guid}", GetAsync)
            .WithName("getCustomer")
            .WithSummary("Reads one customer with contact details and consents")
            .Produces<CustomerResponse>();
        group.MapDelete("/{customerId:guid}", EraseAsync)
            .WithName("eraseCustomer")
            .WithSummary("Erases a customer's personal data in every service (204)")
            .Produces(StatusCodes.Status204NoContent);
        app.MapGet("/v1/persons/{personId:guid}", GetPersonAsync).WithTags("Customers")
            .WithName("getPerson")
            .WithSummary("The customer records linked to one person (same email across sources), oldest first")
            .Produces<PersonResponse>();
        return app;
    }

    /// <summary>
    /// Creates or updates a customer by (source, external id). 201 when new, 200 otherwise, with the stored customer;
    /// a replay that changes nothing returns the same body and publishes nothing.
    /// </summary>
    private static async Task<IResult> UpsertAsync(CustomerRequest request, NpgsqlDataSource db, CustomerWriter writer, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.Validate(errors, time) is not { } customer)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = (await writer.UpsertAsync(tx, [customer], ct))[0];
        var stored = await CustomerQueries.GetAsync(connection, tx, result.CustomerId, ct);
        await tx.CommitAsync(ct);
        return result.Status == CustomerUpsertStatus.Created
            ? TypedResults.Created($"/v1/customers/{result.CustomerId}", stored)
            : TypedResults.Ok(stored);
    }

    /// <summary>
    /// Creates or updates up to <see cref="MaxBatchSize"/> customers, all or nothing: one invalid item and the 400 names
    /// every bad field as <c>[i].field</c>, and nothing is written. The same (source, external id) twice: the last wins.
    /// </summary>
    private static async Task<IResult> UpsertBatchAsync(List<CustomerRequest?> requests, NpgsqlDataSource db, CustomerWriter writer, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (requests.Count > MaxBatchSize)
        {
            errors.Add("body", $"must hold at most {MaxBatchSize} customers; split the batch");
            return errors.ToProblem();
        }

        var customers = errors.ValidateItems(requests, "customer", (request, itemErrors) => request.Validate(itemErrors, time));
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var results = await writer.UpsertAsync(tx, customers, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(results.Select(r => new BatchItemResult(r.Index, r.CustomerId, StatusName(r.Status))).ToList());
    }

    private static async Task<IResult> GetAsync(Guid customerId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var customer = await CustomerQueries.GetAsync(connection, null, customerId, ct);
        return customer is null ? NotFound($"Customer {customerId} not found.") : TypedResults.Ok(customer);
    }

    /// <summary>The records linked to one person (same email across sources), oldest first.</summary>
    private static async Task<IResult> GetPersonAsync(Guid personId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var customers = await CustomerQueries.ListByPersonAsync(connection, personId, ct);
        return customers.Count == 0 ? NotFound($"Person {personId} not found.") : TypedResults.Ok(new PersonResponse(personId, customers));
    }

    /// <summary>Erases the customer everywhere (204). Unknown, or erased before: 404, since nothing is left to tell them apart.</summary>
    private static async Task<IResult> EraseAsync(Guid customerId, CustomerEraser eraser, CancellationToken ct) =>
        await eraser.EraseAsync(customerId, ct) ? TypedResults.NoContent() : NotFound($"Customer {customerId} not found.");

    private static ProblemHttpResult NotFound(string title) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title);

    private static string StatusName(CustomerUpsertStatus status) => status switch
    {
        CustomerUpsertStatus.Created => "created",
        CustomerUpsertStatus.Updated => "updated",
        _ => "unchanged",
    };
}

/// <summary>Outcome of one item of a batch: its position, its id, and <c>created</c>, <c>updated</c> or <c>unchanged</c>.</summary>
public sealed record BatchItemResult(int Index, Guid CustomerId, string Status);

using Dapper;
using Npgsql;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Ingestion.Features.Customers;

public static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/customers").WithTags("Customers");
        group.MapPost("/", UpsertAsync);
        group.MapGet("/{customerId:guid}", GetAsync);
        return app;
    }

    private const string UpsertSql = """
        INSERT INTO customers AS c (customer_id, person_id, source, external_id, lifecycle, first_name, last_name, email, phone, city, region, country, created_at, updated_at)
        VALUES (@CustomerId, @CustomerId, @Source, @ExternalId, @Lifecycle, @FirstName, @LastName, @Email, @Phone, @City, @Region, @Country, @Now, @Now)
        ON CONFLICT (customer_id) DO UPDATE SET
            lifecycle = excluded.lifecycle, first_name = excluded.first_name, last_name = excluded.last_name,
            email = excluded.email, phone = excluded.phone, city = excluded.city, region = excluded.region,
            country = excluded.country, updated_at = excluded.updated_at
        WHERE (c.lifecycle, c.first_name, c.last_name, c.email, c.phone, c.city, c.region, c.country)
              IS DISTINCT FROM
              (excluded.lifecycle, excluded.first_name, excluded.last_name, excluded.email, excluded.phone, excluded.city, excluded.region, excluded.country)
        RETURNING (xmax = 0) AS inserted
        """;

    private const string SelectSql = """
        SELECT customer_id AS CustomerId, source, external_id AS ExternalId, lifecycle, first_name AS FirstName, last_name AS LastName,
               email, phone, city, region, country, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM customers WHERE customer_id = @customerId
        """;

    /// <summary>
    /// Creates or updates a customer by (source, external id). 201 when new, 200 otherwise; a replay that changes
    /// nothing publishes nothing. The row and its <see cref="CustomersUpserted"/> commit together (outbox).
    /// </summary>
    private static async Task<IResult> UpsertAsync(CustomerRequest request, NpgsqlDataSource db, Outbox outbox, TimeProvider time, CancellationToken ct)
    {
        var (customer, errors) = request.Validate();
        if (customer is null)
        {
            return errors.ToProblem();
        }

        var customerId = DeterministicGuid.ForCustomer(customer.Source, customer.ExternalId);
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var inserted = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            UpsertSql, new { CustomerId = customerId, customer.Source, customer.ExternalId, customer.Lifecycle, customer.FirstName, customer.LastName, customer.Email, customer.Phone, customer.City, customer.Region, customer.Country, Now = now }, tx, cancellationToken: ct));
        if (inserted is not null)
        {
            await outbox.AddAsync(tx, new CustomersUpserted
            {
                Customers =
                [
                    new CustomerRecord
                    {
                        CustomerId = customerId,
                        PersonId = customerId,
                        Source = customer.Source,
                        ExternalId = customer.ExternalId,
                        Lifecycle = customer.Lifecycle,
                        Country = customer.Country,
                        Region = customer.Region,
                        Consents = new ChannelConsents(),
                        UpdatedAt = now,
                    },
                ],
            }, ct);
        }

        var stored = await connection.QuerySingleAsync<CustomerResponse>(new CommandDefinition(SelectSql, new { customerId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return inserted == true
            ? TypedResults.Created($"/v1/customers/{customerId}", stored)
            : TypedResults.Ok(stored);
    }

    private static async Task<IResult> GetAsync(Guid customerId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var customer = await connection.QuerySingleOrDefaultAsync<CustomerResponse>(new CommandDefinition(SelectSql, new { customerId }, cancellationToken: ct));
        return customer is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Customer {customerId} not found.")
            : TypedResults.Ok(customer);
    }
}

public sealed record CustomerResponse(
    Guid CustomerId,
    string Source,
    string ExternalId,
    string Lifecycle,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? City,
    string? Region,
    string? Country,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

using Dapper;
using Npgsql;

namespace Segmentation.Features.Profiles;

public static class ProfilesApi
{
    private const string SelectSql = """
        SELECT customer_id AS CustomerId, source, external_id AS ExternalId, lifecycle, country, region,
               customer_updated_at AS CustomerUpdatedAt, created_at AS CreatedAt
        FROM customer_profiles WHERE customer_id = @customerId
        """;

    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/profiles/{customerId:guid}", GetAsync).WithTags("Profiles");
        return app;
    }

    private static async Task<IResult> GetAsync(Guid customerId, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var profile = await connection.QuerySingleOrDefaultAsync<ProfileResponse>(new CommandDefinition(SelectSql, new { customerId }, cancellationToken: ct));
        return profile is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No profile for customer {customerId}.")
            : TypedResults.Ok(profile);
    }
}

public sealed record ProfileResponse(
    Guid CustomerId,
    string Source,
    string ExternalId,
    string Lifecycle,
    string? Country,
    string? Region,
    DateTimeOffset CustomerUpdatedAt,
    DateTimeOffset CreatedAt);

using System.Text.Json;
using Dapper;
using Npgsql;

namespace Ingestion.Features.Customers;

/// <summary>Reads customers as the API shows them: every stored field, consents per channel, attributes, person.</summary>
internal static class CustomerQueries
{
    private const string Columns = """
        customer_id AS CustomerId, person_id AS PersonId, source, external_id AS ExternalId, lifecycle,
        first_name AS FirstName, last_name AS LastName, email, phone, address_line AS AddressLine, postal_code AS PostalCode,
        city, region, country, gender, birth_date AS BirthDate, join_date AS JoinDate,
        acquisition_channel AS AcquisitionChannel, acquisition_campaign AS AcquisitionCampaign, attributes::text AS Attributes,
        created_at AS CreatedAt, updated_at AS UpdatedAt, version
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM customers WHERE customer_id = @Id";

    private const string ByPersonSql = $"SELECT {Columns} FROM customers WHERE person_id = @Id ORDER BY created_at, customer_id";

    private const string ConsentsSql = """
        SELECT customer_id AS CustomerId, channel, granted, changed_at AS ChangedAt, origin
        FROM consents WHERE customer_id = ANY(@CustomerIds)
        """;

    public static async Task<CustomerResponse?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid customerId, CancellationToken ct) =>
        (await LoadAsync(connection, tx, ByIdSql, customerId, ct)).SingleOrDefault();

    /// <summary>The records linked to <paramref name="personId"/>, oldest first.</summary>
    public static Task<IReadOnlyList<CustomerResponse>> ListByPersonAsync(NpgsqlConnection connection, Guid personId, CancellationToken ct) =>
        LoadAsync(connection, null, ByPersonSql, personId, ct);

    private static async Task<IReadOnlyList<CustomerResponse>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Guid id, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<CustomerRow>(new CommandDefinition(sql, new { Id = id }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return [];
        }

        var consents = (await connection.QueryAsync<ConsentRow>(new CommandDefinition(
                ConsentsSql, new { CustomerIds = rows.Select(r => r.CustomerId).ToArray() }, tx, cancellationToken: ct)))
            .ToLookup(k => k.CustomerId);
        return rows.Select(r => r.ToResponse(consents[r.CustomerId])).ToList();
    }

    private sealed record CustomerRow(
        Guid CustomerId, Guid PersonId, string Source, string ExternalId, string Lifecycle, string? FirstName, string? LastName,
        string? Email, string? Phone, string? AddressLine, string? PostalCode, string? City, string? Region, string? Country,
        string? Gender, DateOnly? BirthDate, DateOnly? JoinDate, string? AcquisitionChannel, string? AcquisitionCampaign,
        string Attributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
    {
        public CustomerResponse ToResponse(IEnumerable<ConsentRow> consents)
        {
            using var attributes = JsonDocument.Parse(Attributes);
            var byChannel = consents.ToDictionary(k => k.Channel, StringComparer.Ordinal);
            return new CustomerResponse(
                CustomerId, PersonId, Source, ExternalId, Lifecycle, FirstName, LastName, Email, Phone, AddressLine, PostalCode,
                City, Region, Country, Gender, BirthDate, JoinDate, AcquisitionChannel, AcquisitionCampaign,
                ConsentChannels.All.Where(byChannel.ContainsKey).ToDictionary(c => c, c => byChannel[c].ToResponse(), StringComparer.Ordinal),
                attributes.RootElement.Clone(),
                CreatedAt, UpdatedAt, Version);
        }
    }

    private sealed record ConsentRow(Guid CustomerId, string Channel, bool Granted, DateTimeOffset ChangedAt, string Origin)
    {
        public ConsentResponse ToResponse() => new(Granted, ChangedAt, Origin);
    }
}

/// <summary>A stored customer, as <c>GET /v1/customers/{id}</c> and the upsert endpoints return it.</summary>
public sealed record CustomerResponse(
    Guid CustomerId,
    Guid PersonId,
    string Source,
    string ExternalId,
    string Lifecycle,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? AddressLine,
    string? PostalCode,
    string? City,
    string? Region,
    string? Country,
    string? Gender,
    DateOnly? BirthDate,
    DateOnly? JoinDate,
    string? AcquisitionChannel,
    string? AcquisitionCampaign,
    IReadOnlyDictionary<string, ConsentResponse> Consents,
    JsonElement Attributes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A stored consent: the decision, when it was made, and where it came from (<c>customer</c> or <c>response:&lt;id&gt;</c>).</summary>
public sealed record ConsentResponse(bool Granted, DateTimeOffset At, string Origin);

/// <summary>The records of one person (<c>GET /v1/persons/{personId}</c>).</summary>
public sealed record PersonResponse(Guid PersonId, IReadOnlyList<CustomerResponse> Customers);

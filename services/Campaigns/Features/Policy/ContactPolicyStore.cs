using System.Text.Json;
using Dapper;
using Npgsql;

namespace Campaigns.Features.Policy;

/// <summary>Reads and replaces the stored contact policy (<c>contact_policy</c>) and the global control share.</summary>
public static class ContactPolicyStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string SelectSql = "SELECT policy::text FROM contact_policy";

    private const string UpsertSql = """
        INSERT INTO contact_policy (policy, updated_at) VALUES (@Policy::jsonb, @Now)
        ON CONFLICT (singleton) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at
        """;

    // Only the share changes: the salt stays, so membership moves only as far as the share does.
    private const string UpdateShareSql = "UPDATE global_control SET share = @Share, updated_at = @Now";

    /// <summary>The current policy (<see cref="ContactPolicy.Default"/> before one was set).</summary>
    public static async Task<ContactPolicy> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql, transaction: transaction, cancellationToken: ct));
        return json is null ? ContactPolicy.Default : JsonSerializer.Deserialize<StoredPolicy>(json, Json)!.ToPolicy();
    }

    /// <summary>Replaces the policy and the global control share in <paramref name="transaction"/>.</summary>
    public static async Task SaveAsync(NpgsqlTransaction transaction, ContactPolicy policy, double globalControlShare, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(policy);
        var json = JsonSerializer.Serialize(StoredPolicy.From(policy), Json);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new { Policy = json, Now = now }, transaction, cancellationToken: ct));
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(UpdateShareSql, new { Share = globalControlShare, Now = now }, transaction, cancellationToken: ct));
    }

    // TimeOnly as "HH:mm:ss" text keeps the stored JSON readable and independent of serializer defaults.
    private sealed record StoredPolicy(
        IReadOnlyList<FrequencyCap> FrequencyCaps,
        Dictionary<string, string[]> QuietHours,
        string DefaultTimeZone,
        Dictionary<string, string> CountryTimeZones,
        Dictionary<string, string> RegionTimeZones,
        Dictionary<string, int> DailyCapacity)
    {
        public static StoredPolicy From(ContactPolicy p) => new(
            p.FrequencyCaps,
            p.QuietHours.ToDictionary(q => q.Key, q => new[] { q.Value.Start.ToString("O"), q.Value.End.ToString("O") }),
            p.DefaultTimeZone,
            p.CountryTimeZones.ToDictionary(),
            p.RegionTimeZones.ToDictionary(),
            p.DailyCapacity.ToDictionary());

        public ContactPolicy ToPolicy() => new()
        {
            FrequencyCaps = FrequencyCaps,
            QuietHours = QuietHours.ToDictionary(q => q.Key, q => new QuietHours(TimeOnly.ParseExact(q.Value[0], "O"), TimeOnly.ParseExact(q.Value[1], "O"))),
            DefaultTimeZone = DefaultTimeZone,
            CountryTimeZones = CountryTimeZones,
            RegionTimeZones = RegionTimeZones,
            DailyCapacity = DailyCapacity,
        };
    }
}

using System.Text.Json;
using Campaigns.Features.Design;
using Dapper;
using Npgsql;

namespace Campaigns.Features.External;

/// <summary>An external campaign's row as its imports need it, read under the row's lock so two imports cannot interleave.</summary>
internal sealed record ExternalCampaign(Guid Id, string Kind, string Status, string? LaunchState, DateTimeOffset? LaunchedAt, CampaignDesign Design)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string SelectSql = """
        SELECT id, kind, status, launch_state AS LaunchState, launched_at AS LaunchedAt, design::text AS design FROM campaigns WHERE id = @Id FOR UPDATE
        """;

    /// <summary>The campaign, locked until <paramref name="tx"/> ends; null when there is none.</summary>
    public static async Task<ExternalCampaign?> LockAsync(NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { Id = id }, tx, cancellationToken: ct));
        return row is null
            ? null
            : new ExternalCampaign(row.Id, row.Kind, row.Status, row.LaunchState, row.LaunchedAt,
                JsonSerializer.Deserialize<CampaignDesign>(row.Design, Json) ?? throw new InvalidOperationException($"campaign {id} has no design"));
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public string Status { get; init; } = "";
        public string? LaunchState { get; init; }
        public DateTimeOffset? LaunchedAt { get; init; }
        public string Design { get; init; } = "";
    }
}

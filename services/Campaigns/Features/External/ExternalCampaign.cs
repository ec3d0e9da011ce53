using Campaigns.Features.Design;
using Dapper;
using Npgsql;

namespace Campaigns.Features.External;

/// <summary>An external campaign's row as its imports need it, read under the row's lock so two imports cannot interleave.</summary>
internal sealed record ExternalCampaign(Guid Id, string Kind, string Status, string? LaunchState, DateTimeOffset? LaunchedAt, CampaignDesign Design)
{
    /// <summary>
    /// The campaign locked for an import of <paramref name="what"/>, or the outcome that refuses the import: not found, not
    /// external, or finished.
    /// </summary>
    public static async Task<(ExternalCampaign? Campaign, ExternalImportOutcome? Refusal)> LockForImportAsync(NpgsqlTransaction tx, Guid id, string what, CancellationToken ct)
    {
        var campaign = await LockAsync(tx, id, ct);
        if (campaign is null)
        {
            return (null, ExternalImportOutcome.NotFound);
        }

        if (campaign.Kind != "external")
        {
            return (null, ExternalImportOutcome.Conflict($"Only an external campaign takes its {what} from a file; this one is run by the platform."));
        }

        return campaign.Status is "cancelled" or "completed"
            ? (null, ExternalImportOutcome.Conflict($"The campaign is {campaign.Status}."))
            : (campaign, null);
    }

    private const string SelectSql = """
        SELECT id, kind, status, launch_state AS LaunchState, launched_at AS LaunchedAt, design::text AS design FROM campaigns WHERE id = @Id FOR UPDATE
        """;

    /// <summary>The campaign, locked until <paramref name="tx"/> ends; null when there is none.</summary>
    private static async Task<ExternalCampaign?> LockAsync(NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { Id = id }, tx, cancellationToken: ct));
        return row is null
            ? null
            : new ExternalCampaign(row.Id, row.Kind, row.Status, row.LaunchState, row.LaunchedAt,
                CampaignDesignJson.Deserialize(row.Design));
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

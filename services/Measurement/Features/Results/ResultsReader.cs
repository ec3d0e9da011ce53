using System.Data;
using Dapper;
using Npgsql;

namespace Measurement.Features.Results;

/// <summary>
/// Reads a campaign's results input in one repeatable-read snapshot: the maintained statistics (a few rows per cell), and
/// only when asked the two scans (winsorized revenue over the campaign's members, the acquired cohort over its converters).
/// </summary>
public sealed class ResultsReader(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The campaign's input, or null when the campaign is unknown. <paramref name="withCohort"/>: follow an acquisition campaign's converters.</summary>
    public async Task<ResultsInput?> ReadAsync(Guid campaignId, ResultsQuery query, bool withCohort, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var input = await ReadAsync(connection, tx, campaignId, query, withCohort, ct);
        await tx.CommitAsync(ct);
        return input;
    }

    /// <summary>Several campaigns' inputs (no scans) in one snapshot; the unknown ids are returned apart.</summary>
    public async Task<(List<ResultsInput> Found, List<Guid> Unknown)> ReadManyAsync(IReadOnlyList<Guid> campaignIds, ResultsQuery query, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var found = new List<ResultsInput>();
        var unknown = new List<Guid>();
        foreach (var id in campaignIds)
        {
            if (await ReadAsync(connection, tx, id, query with { Winsorize = null }, false, ct) is { } input)
            {
                found.Add(input);
            }
            else
            {
                unknown.Add(id);
            }
        }

        await tx.CommitAsync(ct);
        return (found, unknown);
    }

    /// <summary>Both rows of <c>global_control_stats</c> (either may be missing).</summary>
    public async Task<IReadOnlyList<GlobalControlRow>> ReadGlobalControlAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<GlobalControlRow>(new CommandDefinition(GlobalControlRow.SelectSql, cancellationToken: ct))).ToList();
    }

    private async Task<ResultsInput?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid campaignId, ResultsQuery query, bool withCohort, CancellationToken ct)
    {
        var parameters = new { campaignId };
        var campaign = await connection.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(CampaignRow.SelectSql, parameters, tx, cancellationToken: ct));
        if (campaign is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var cells = await connection.QueryAsync<CellDesignRow>(new CommandDefinition(CellDesignRow.SelectSql, parameters, tx, cancellationToken: ct));
        var stats = await connection.QueryAsync<CellStatsRow>(new CommandDefinition(CellStatsRow.SelectSql, parameters, tx, cancellationToken: ct));
        var steps = await connection.QueryAsync<StepStatsRow>(new CommandDefinition(StepStatsRow.SelectSql, parameters, tx, cancellationToken: ct));
        var responders = await connection.QueryAsync<StepResponderRow>(new CommandDefinition(StepResponderRow.SelectSql, parameters, tx, cancellationToken: ct));
        List<WinsorizedRow>? winsorized = null;
        if (query.Winsorize is { } percentile)
        {
            var statsRows = stats.ToList();
            var limit = WinsorizedRow.TailLength(statsRows.Sum(r => r.Members), percentile);
            var tail = (await connection.QueryAsync<TailMember>(
                new CommandDefinition(WinsorizedRow.TailSql, new { campaignId, limit }, tx, cancellationToken: ct))).ToList();
            winsorized = WinsorizedRow.FromTail(statsRows, tail, percentile);
        }

        List<CohortRow>? cohorts = null;
        if (withCohort && QualityCalculator.NeedsCohort(campaign.Objective))
        {
            cohorts = (await connection.QueryAsync<CohortRow>(new CommandDefinition(CohortRow.SelectSql, new { campaignId, now }, tx, cancellationToken: ct))).ToList();
        }

        return new ResultsInput(campaign, cells.ToList(), stats.ToList(), steps.ToList(), responders.ToList(), winsorized, cohorts, now);
    }
}

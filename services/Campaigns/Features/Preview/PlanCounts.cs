using Campaigns.Features.Channels;
using Campaigns.Features.Assignment;
using Campaigns.Features.Design;
using Campaigns.Features.Policy;
using Dapper;
using Npgsql;

namespace Campaigns.Features.Preview;

/// <summary>
/// Counts a snapshot's members by cell, wave and reachability in one set-based pass (a snapshot may hold a million
/// members), with the same draw a launch makes: <see cref="AssignmentHash"/> salted with the campaign id over the cells'
/// shares in design order, with <see cref="AssignmentHash.WaveSalt"/> over the waves' shares, and the global control
/// (<see cref="GlobalControl"/>) first. A draw falls in the first slot whose cumulative bound exceeds it, which is what
/// <c>width_bucket</c> gives over all bounds but the last.
/// </summary>
public static class PlanCounts
{
    /// <summary>The counts (only combinations that occur).</summary>
    public static async Task<IReadOnlyList<MemberCount>> CountAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid snapshotId, Guid campaignId, CampaignDesign design, GlobalControl globalControl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(globalControl);
        var cellThresholds = Thresholds(design.Cells.Select(c => c.Share).ToList());
        var waveThresholds = Thresholds(design.Waves.Count == 0 ? [1.0] : design.Waves.Select(w => w.Share).ToList());
        var sql = $"""
            SELECT cell AS Cell, wave AS Wave, mask AS Mask, count(*) AS Members
            FROM (
                SELECT CASE WHEN {(globalControl.Share > 0 ? GlobalControl.SqlCondition("m.customer_id") : "false")} THEN -1
                            ELSE {Bucket(AssignmentHash.SqlExpression("@CellSalt", "m.customer_id"), "@CellThresholds", cellThresholds)} END AS cell,
                       {Bucket(AssignmentHash.SqlExpression("@WaveSalt", "m.customer_id"), "@WaveThresholds", waveThresholds)} AS wave,
                       {ChannelNames.SqlReachabilityMask("c")} AS mask
                FROM snapshot_members m LEFT JOIN customers c ON c.customer_id = m.customer_id
                WHERE m.snapshot_id = @SnapshotId
            ) drawn
            GROUP BY cell, wave, mask
            """;
        var rows = await connection.QueryAsync<MemberCount>(new CommandDefinition(sql, new
        {
            SnapshotId = snapshotId,
            CellSalt = campaignId,
            CellThresholds = cellThresholds,
            WaveSalt = AssignmentHash.WaveSalt(campaignId),
            WaveThresholds = waveThresholds,
            GlobalControlSalt = globalControl.Salt,
            GlobalControlShare = globalControl.Share,
        }, transaction, commandTimeout: 600, cancellationToken: ct));
        return rows.AsList();
    }

    // The cumulative bounds but the last (which AssignmentHash forces to 1): the lower bounds of slots 1..n-1.
    private static double[] Thresholds(IReadOnlyList<double> shares) => AssignmentHash.CumulativeBounds(shares)[..^1];

    private static string Bucket(string draw, string parameter, double[] thresholds) =>
        thresholds.Length == 0 ? "0" : $"width_bucket({draw}, {parameter}::double precision[])";
}

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
/// (<see cref="GlobalControl"/>) first. The slots come from <see cref="AssignmentHash.SqlSlot"/>.
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
        var cellThresholds = AssignmentHash.SlotThresholds(design.Cells.Select(c => c.Share).ToList());
        var waveThresholds = AssignmentHash.SlotThresholds(design.Waves.Count == 0 ? [1.0] : design.Waves.Select(w => w.Share).ToList());
        var sql = $"""
            SELECT cell AS Cell, wave AS Wave, mask AS Mask, count(*) AS Members
            FROM (
                SELECT CASE WHEN {(globalControl.Share > 0 ? GlobalControl.SqlCondition("m.customer_id") : "false")} THEN -1
                            ELSE {AssignmentHash.SqlSlot(AssignmentHash.SqlExpression("@CellSalt", "m.customer_id"), "@CellThresholds")} END AS cell,
                       {AssignmentHash.SqlSlot(AssignmentHash.SqlExpression("@WaveSalt", "m.customer_id"), "@WaveThresholds")} AS wave,
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
}

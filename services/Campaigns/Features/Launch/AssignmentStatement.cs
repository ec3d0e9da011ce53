using Campaigns.Features.Assignment;
using Campaigns.Features.Design;
using Campaigns.Features.Policy;
using Dapper;
using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Launch;

/// <summary>
/// The set-based statement that assigns one chunk of a launch snapshot's members (the next <c>@ChunkSize</c> members
/// after <c>@Cursor</c> in customer id order): the cell by <see cref="AssignmentHash"/> salted with the campaign id over
/// the design's cells in order (control included), the wave by the same draw salted with
/// <see cref="AssignmentHash.WaveSalt"/>, and <see cref="CampaignDesign.GlobalControlCell"/> for members of the global
/// control group. It inserts the assignments with the members' launch-time attributes and returns them in customer id
/// order, for the <c>CustomersAssigned</c> batches of the same transaction. Codes and bounds are parameters.
/// </summary>
public sealed class AssignmentStatement
{
    private AssignmentStatement(string sql, DynamicParameters parameters)
    {
        Sql = sql;
        Parameters = parameters;
    }

    /// <summary>The statement.</summary>
    public string Sql { get; }

    /// <summary>Its parameters, but for <c>@Cursor</c> and <c>@ChunkSize</c>, which the caller adds per chunk.</summary>
    public DynamicParameters Parameters { get; }

    /// <summary>The statement for a campaign, its snapshot, cells and (materialized) waves, and the global control setting.</summary>
    public static AssignmentStatement For(Guid campaignId, Guid snapshotId, IReadOnlyList<CampaignCell> cells, IReadOnlyList<CampaignWave> waves,
        GlobalControl globalControl, bool fromStart)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(waves);
        ArgumentNullException.ThrowIfNull(globalControl);
        if (cells.Count == 0 || waves.Count == 0)
        {
            throw new ArgumentException("A launch needs at least one cell and one wave.");
        }

        var parameters = new DynamicParameters();
        parameters.Add("CampaignId", campaignId);
        parameters.Add("SnapshotId", snapshotId);
        parameters.Add("WaveSalt", AssignmentHash.WaveSalt(campaignId));
        parameters.Add("GlobalControlShare", globalControl.Share);
        parameters.Add("GlobalControlSalt", globalControl.Salt);

        parameters.Add("CellThresholds", AssignmentHash.SlotThresholds([.. cells.Select(c => c.Share)]));
        parameters.Add("CellCodes", cells.Select(c => c.Code).ToArray());
        parameters.Add("WaveThresholds", AssignmentHash.SlotThresholds([.. waves.Select(w => w.Share)]));
        parameters.Add("WaveNumbers", waves.Select(w => w.Number).ToArray());
        var cellOf = $"(@CellCodes::text[])[1 + {AssignmentHash.SqlSlot(AssignmentHash.SqlExpression("@CampaignId", "m.customer_id"), "@CellThresholds")}]";
        var waveOf = $"(@WaveNumbers::integer[])[1 + {AssignmentHash.SqlSlot(AssignmentHash.SqlExpression("@WaveSalt", "m.customer_id"), "@WaveThresholds")}]";
        var after = fromStart ? "" : "AND m.customer_id > @Cursor";
        var sql = $"""
            WITH chunk AS MATERIALIZED (
                SELECT d.customer_id,
                       CASE WHEN d.global_control THEN '{CampaignDesign.GlobalControlCell}' ELSE d.cell END AS cell,
                       d.wave,
                       d.global_control, d.value_tier, d.clv, d.deal_seeker, d.net_revenue_365, d.orders_365, d.lifecycle
                FROM (SELECT m.customer_id, m.value_tier, m.clv, m.deal_seeker, m.net_revenue_365, m.orders_365, m.lifecycle,
                             (@GlobalControlShare > 0 AND {GlobalControl.SqlCondition("m.customer_id")}) AS global_control,
                             {cellOf} AS cell,
                             {waveOf} AS wave
                      FROM snapshot_members m
                      WHERE m.snapshot_id = @SnapshotId {after}
                      ORDER BY m.customer_id
                      LIMIT @ChunkSize) AS d
            ), inserted AS (
                INSERT INTO assignments (campaign_id, customer_id, cell, wave, global_control, value_tier, clv, deal_seeker,
                    net_revenue_365, orders_365, lifecycle)
                SELECT @CampaignId, customer_id, cell, wave, global_control, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle
                FROM chunk
            )
            SELECT customer_id AS CustomerId, cell, wave, global_control AS GlobalControl, value_tier AS ValueTier, clv,
                   deal_seeker AS DealSeeker, net_revenue_365 AS NetRevenue365, orders_365 AS Orders365, lifecycle
            FROM chunk
            ORDER BY customer_id
            """;
        return new AssignmentStatement(sql, parameters);
    }
}

namespace Measurement.Features.Results;

/// <summary>One row of <c>step_stats</c>: contacts of a (cell, wave, step, channel, status, block reason) and their cost.</summary>
public sealed record StepStatsRow(string Cell, int Wave, int Step, string Channel, string Status, string BlockReason, long Contacts, double CostSum)
{
    public const string SelectSql = """
        SELECT cell, wave, step, channel, status, block_reason AS BlockReason, contacts, cost_sum::float8 AS CostSum
        FROM step_stats WHERE campaign_id = @campaignId AND contacts <> 0
        ORDER BY cell, step, wave, channel, status, block_reason
        """;

    /// <summary>Statuses of a contact that was made (the others were blocked).</summary>
    public bool Made => Status is "dispatched" or "exported";
}

namespace Measurement.Features.Results;

/// <summary>Responders among the members contacted in a cell's step (all waves).</summary>
public sealed record StepResponderRow(string Cell, int Step, long Responders)
{
    public const string SelectSql = """
        SELECT cell, step, sum(responders)::bigint AS Responders FROM step_responders WHERE campaign_id = @campaignId GROUP BY cell, step
        """;
}

namespace Measurement.Features.Results;

/// <summary>A designed cell: its share of the target, whether it is the control, its offer.</summary>
public sealed record CellDesignRow(string Cell, double Share, bool IsControl, string? OfferCode)
{
    public const string SelectSql = """
        SELECT cell, share, is_control AS IsControl, offer_code AS OfferCode FROM campaign_cells WHERE campaign_id = @campaignId ORDER BY cell
        """;
}

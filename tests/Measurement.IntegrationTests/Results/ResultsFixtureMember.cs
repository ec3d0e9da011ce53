namespace Measurement.IntegrationTests.Results;

/// <summary>A generated campaign member with the outcome the attribution would have derived (see results_reference.py).</summary>
internal sealed record ResultsFixtureMember(
    Guid Customer, string Cell, int Wave, string Tier, decimal PreRevenue, bool Contacted, bool Reached, bool Responded, bool Converted,
    decimal Revenue, decimal Margin, DateTimeOffset? FirstPurchaseAt, int? DaysToSecondPurchase, bool Scored, bool DealSeeker, double Clv);

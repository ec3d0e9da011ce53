namespace Campaigns.Features.Preview;

/// <summary>
/// A treated cell's estimated cost, worst case: every step contacts every member reachable on one of its channels
/// (conditions ignored), and the offer is redeemed by baseline rate × members contacted at least once.
/// </summary>
public sealed record CellCost(
    IReadOnlyList<StepCost> Steps, decimal ContactCost, long MembersContacted, string? OfferCode, double ExpectedRedemptions, decimal RedemptionCost, decimal Total);

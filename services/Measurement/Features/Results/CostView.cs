namespace Measurement.Features.Results;

/// <summary>Costs as recorded: the sum of the contacts' costs and of the redeemed offers' costs.</summary>
public sealed record CostView(double ContactCost, double OfferCost, double Total);

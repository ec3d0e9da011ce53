namespace Measurement.Features.Results;

/// <summary>One side of the platform-wide comparison: its customers, buyers, buyer rate, revenue and pre-launch revenue per customer.</summary>
public sealed record GlobalControlGroup(long Customers, long Buyers, Estimate BuyerRate, Estimate RevenuePerCustomer, Estimate PreRevenuePerCustomer);

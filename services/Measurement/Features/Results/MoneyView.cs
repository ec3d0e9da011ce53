namespace Measurement.Features.Results;

/// <summary>Money per customer (mean with its interval): revenue, margin and profit (margin − contact cost − offer cost).</summary>
public sealed record MoneyView(Estimate Revenue, Estimate Margin, Estimate Profit);

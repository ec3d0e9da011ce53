namespace Campaigns.Features.Preview;

/// <summary>The estimated cost of all cells against the budget (<see cref="WithinBudget"/> and <see cref="Remaining"/> null without a budget).</summary>
public sealed record BudgetFigures(string Currency, decimal EstimatedCost, decimal? Budget, bool? WithinBudget, decimal? Remaining);

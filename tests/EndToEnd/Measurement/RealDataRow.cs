namespace EndToEnd.RealData;

/// <summary>
/// One unit of a randomized test as its file holds it: its number in the file (its external id), the cell it was
/// randomized to, the covariate carried as the assignment's net revenue of the prior year, and its outcomes.
/// </summary>
public sealed record RealDataRow(int Number, string Cell, decimal Covariate, bool Visited, bool Converted, decimal Spend);

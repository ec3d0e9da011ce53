using System.ComponentModel;

namespace Measurement.Features.Calculator;

/// <summary>One arm of <c>POST /v1/stats/compare</c>: its sufficient statistics.</summary>
public sealed record ArmRequest
{
    [Description("Optional label echoed in the answer, at most 100 characters (default: control, treatment 1, treatment 2, ...).")]
    public string? Name { get; init; }

    [Description("Units in the arm (customers): a whole number; at least 1 for a rate, 2 for a mean.")]
    public double? Units { get; init; }

    [Description("Rates: units that converted (0 to units). Give this OR sum and sumOfSquares, the same kind in every arm.")]
    public double? Conversions { get; init; }

    [Description("Means (money per unit): Σy over the units.")]
    public double? Sum { get; init; }

    [Description("Means: Σy² over the units (at least sum²/units, or the variance would be negative).")]
    public double? SumOfSquares { get; init; }

    [Description("CUPED covariate (e.g. revenue in the 365 days before): Σx. Give all three covariate sums in every arm, or none.")]
    public double? CovariateSum { get; init; }

    [Description("CUPED: Σx².")]
    public double? CovariateSumOfSquares { get; init; }

    [Description("CUPED: Σx·y (for a rate, Σx over the units that converted).")]
    public double? CrossProducts { get; init; }
}

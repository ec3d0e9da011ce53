namespace Platform.Numerics.Tests;

public sealed class CurvatureTests
{
    [Fact]
    public void Hessian_OfAQuadratic_IsItsMatrix()
    {
        // f = x² + 3xy + 5y²: Hessian [[2, 3], [3, 10]].
        var hessian = Curvature.Hessian(Quadratic(2, 3, 10), [0.7, -1.3]);
        Assert.NotNull(hessian);
        Assert.Equal(2, hessian[0, 0], 1e-6);
        Assert.Equal(3, hessian[0, 1], 1e-6);
        Assert.Equal(3, hessian[1, 0], 1e-6);
        Assert.Equal(10, hessian[1, 1], 1e-6);
    }

    [Fact]
    public void Problem_AtAWellDeterminedMinimum_IsNone() =>
        Assert.Null(Curvature.Problem(Quadratic(2, 3, 10), [0, 0]));

    [Fact]
    public void Problem_OnARidge_SaysTheParametersAreNotIdentified()
    {
        // f = (x + y)²: only the sum is determined.
        var problem = Curvature.Problem(Quadratic(2, 2, 2), [1, -1]);
        Assert.NotNull(problem);
        Assert.Contains("do not identify", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_WhereTheGradientIsNotFinite_SaysSo() =>
        Assert.Contains("not finite", Curvature.Problem((x, g) => double.PositiveInfinity, [0.0]), StringComparison.Ordinal);

    // ½ [x y] [[a, b], [b, c]] [x y]ᵀ with its gradient.
    private static Objective Quadratic(double a, double b, double c) => (x, g) =>
    {
        g[0] = (a * x[0]) + (b * x[1]);
        g[1] = (b * x[0]) + (c * x[1]);
        return 0.5 * ((a * x[0] * x[0]) + (2 * b * x[0] * x[1]) + (c * x[1] * x[1]));
    };
}

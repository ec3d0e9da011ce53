using MathNet.Numerics.LinearAlgebra;

namespace Platform.Numerics;

/// <summary>
/// The curvature of an objective at a minimum, from central differences of its analytic gradient: whether the
/// minimum is a well-determined point or lies on a ridge or flat valley along which the data cannot tell the
/// parameters apart (a non-identifiable fit). MathNet.Numerics does the symmetric eigen-decomposition.
/// </summary>
public static class Curvature
{
    /// <summary>
    /// A Hessian whose smallest eigenvalue is below this share of its largest is singular for our purposes: along that
    /// direction the objective changes less than rounding and the optimizer's tolerances can resolve.
    /// </summary>
    public const double SingularRatio = 1e-9;

    /// <summary>The Hessian of <paramref name="objective"/> at <paramref name="point"/>, symmetrised; null when a gradient is not finite there.</summary>
    public static double[,]? Hessian(Objective objective, ReadOnlySpan<double> point, double step = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(objective);
        var n = point.Length;
        var hessian = new double[n, n];
        var shifted = point.ToArray();
        var plus = new double[n];
        var minus = new double[n];
        for (var j = 0; j < n; j++)
        {
            var h = step * Math.Max(1.0, Math.Abs(point[j]));
            shifted[j] = point[j] + h;
            var fPlus = objective(shifted, plus);
            shifted[j] = point[j] - h;
            var fMinus = objective(shifted, minus);
            shifted[j] = point[j];
            if (!double.IsFinite(fPlus) || !double.IsFinite(fMinus))
            {
                return null;
            }

            for (var i = 0; i < n; i++)
            {
                if (!double.IsFinite(plus[i]) || !double.IsFinite(minus[i]))
                {
                    return null;
                }

                hessian[i, j] = (plus[i] - minus[i]) / (2 * h);
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var mean = 0.5 * (hessian[i, j] + hessian[j, i]);
                hessian[i, j] = mean;
                hessian[j, i] = mean;
            }
        }

        return hessian;
    }

    /// <summary>
    /// Why the minimum at <paramref name="point"/> is not a well-determined one (a non-finite Hessian, a direction of
    /// zero or negative curvature, or one flatter than <see cref="SingularRatio"/> times the steepest), or null when it is.
    /// </summary>
    public static string? Problem(Objective objective, ReadOnlySpan<double> point)
    {
        if (Hessian(objective, point) is not { } hessian)
        {
            return "the likelihood's curvature is not finite at the estimate";
        }

        var eigenvalues = Matrix<double>.Build.DenseOfArray(hessian).Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        var largest = eigenvalues.Max();
        var smallest = eigenvalues.Min();
        if (!double.IsFinite(largest) || !double.IsFinite(smallest) || !(largest > 0))
        {
            return "the likelihood has no curvature at the estimate";
        }

        return smallest <= SingularRatio * largest
            ? $"the likelihood is flat along some combination of the parameters (Hessian eigenvalues {smallest:G3} … {largest:G3}): the data do not identify them"
            : null;
    }
}

namespace Platform.Numerics.Statistics;

/// <summary>
/// Treatment against control from sufficient statistics. Pure: no I/O. Every method is checked against reference values
/// computed with SciPy / statsmodels (see the tests' reference script) and by simulation (A/A false positives, coverage).
/// </summary>
public static class Comparisons
{
    /// <summary>
    /// Rates: two-proportion z-test (pooled variance for the test, unpooled for the interval of the difference); relative
    /// lift by the delta method on the log of the ratio of the rates.
    /// </summary>
    public static Lift Rates(Moments control, Moments treatment, LiftOptions? options = null) => throw new NotImplementedException();

    /// <summary>Means (money per unit): Welch's t-test and interval (Welch–Satterthwaite df); relative lift by the delta method on the log of the ratio.</summary>
    public static Lift Means(Moments control, Moments treatment, LiftOptions? options = null) => throw new NotImplementedException();

    /// <summary>
    /// CUPED: y − θ(x − x̄), θ = pooled cov(x, y) / pooled var(x) over both arms, x̄ the pooled mean of x; then as
    /// <see cref="Means"/> (or the z-test for rates when <paramref name="isRate"/>) on the adjusted outcome. Needs the
    /// covariate statistics in both arms.
    /// </summary>
    public static Lift Cuped(Moments control, Moments treatment, bool isRate, LiftOptions? options = null) => throw new NotImplementedException();
}

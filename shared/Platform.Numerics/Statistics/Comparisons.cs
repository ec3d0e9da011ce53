using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Platform.Numerics.Statistics;

/// <summary>
/// Treatment against control from sufficient statistics. Pure: no I/O. Every method is checked against reference values
/// computed with SciPy / statsmodels (see the tests' reference script) and by simulation (A/A false positives, coverage).
/// <para>
/// Shared by all three: the relative lift r = m_T / m_C − 1 by the delta method on the log of the ratio,
/// <code>SE(ln(m_T/m_C))² = v_T / (n_T·m_T²) + v_C / (n_C·m_C²)</code>, interval exp(ln(m_T/m_C) ± q·SE) − 1 (null when either
/// mean is not positive); the always-valid interval (when <see cref="LiftOptions.SequentialTuning"/> is set) is
/// Absolute ± <see cref="ConfidenceSequence.HalfWidth"/> of the same standard error over n_C + n_T units.
/// </para>
/// </summary>
public static class Comparisons
{
    private const string Relative = "relative lift by the delta method on log(treatment/control)";

    /// <summary>
    /// Rates: two-proportion z-test (pooled variance for the test, unpooled for the interval of the difference); relative
    /// lift by the delta method on the log of the ratio of the rates (normal quantile). Uses Units and Sum (the successes)
    /// of each arm; needs at least one unit and 0 ≤ successes ≤ units. Statistic
    /// z = (p_T − p_C) / √(p̄(1−p̄)(1/n_C + 1/n_T)) with p̄ the pooled rate (statsmodels' <c>proportions_ztest</c>); interval
    /// (p_T − p_C) ± z_q·√(p_C(1−p_C)/n_C + p_T(1−p_T)/n_T) (statsmodels' <c>confint_proportions_2indep(method='wald')</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An arm without units, or with successes outside [0, units].</exception>
    public static Lift Rates(Moments control, Moments treatment, LiftOptions? options = null)
    {
        CheckRate(control, nameof(control));
        CheckRate(treatment, nameof(treatment));
        var c = new ArmSummary(control.Units, control.Mean, control.Mean * (1 - control.Mean));
        var t = new ArmSummary(treatment.Units, treatment.Mean, treatment.Mean * (1 - treatment.Mean));
        var pooled = (control.Sum + treatment.Sum) / (control.Units + treatment.Units);
        return Compare(c, t, isRate: true, pooled * (1 - pooled), options ?? new LiftOptions(),
            "two-proportion z-test (pooled variance for the test, unpooled for the interval); " + Relative);
    }

    /// <summary>
    /// Means (money per unit): Welch's t-test and interval (Welch–Satterthwaite df
    /// ν = (v_T/n_T + v_C/n_C)² / ((v_T/n_T)²/(n_T−1) + (v_C/n_C)²/(n_C−1)), SciPy's
    /// <c>ttest_ind_from_stats(equal_var=False)</c>); relative lift by the delta method on the log of the ratio with the
    /// quantile of t on the Welch–Satterthwaite df of the two log-scale variance terms. Needs at least two units per arm.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An arm with fewer than two units, non-finite sums, or Σy² &lt; (Σy)²/n.</exception>
    public static Lift Means(Moments control, Moments treatment, LiftOptions? options = null)
    {
        CheckMeans(control, nameof(control));
        CheckMeans(treatment, nameof(treatment));
        return Compare(Summary(control), Summary(treatment), isRate: false, null, options ?? new LiftOptions(),
            "Welch's t-test (Welch–Satterthwaite df); " + Relative);
    }

    /// <summary>
    /// CUPED: y − θ(x − x̄), θ = pooled cov(x, y) / pooled var(x) over both arms, x̄ the pooled mean of x; then as
    /// <see cref="Means"/> (or the z-test for rates when <paramref name="isRate"/>) on the adjusted outcome. Needs the
    /// covariate statistics in both arms. See <see cref="CupedAdjust"/> for how the adjusted arms follow from the sums.
    /// For rates the adjusted outcome is tested as the two-proportion z-test is: n-denominator variances, the test on the
    /// variance of the adjusted outcome over both arms together, the interval unpooled, normal quantiles (with θ = 0 this
    /// is exactly <see cref="Rates"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="Rates"/> or <see cref="Means"/>, fewer than two units, or inconsistent covariate sums.</exception>
    public static Lift Cuped(Moments control, Moments treatment, bool isRate, LiftOptions? options = null)
    {
        var adjustment = CupedAdjust(control, treatment, isRate);
        var theta = adjustment.Theta.ToString("G6", CultureInfo.InvariantCulture);
        if (!isRate)
        {
            return Compare(adjustment.Control, adjustment.Treatment, isRate: false, null, options ?? new LiftOptions(),
                $"CUPED (θ = {theta}, pooled within-arm regression of the outcome on the covariate), then Welch's t-test (Welch–Satterthwaite df); " + Relative);
        }

        // Over both arms together the adjusted outcome y − θx has Σ = Σy − θΣx and Σ² = Σy² − 2θΣxy + θ²Σx² (the shift by θx̄ does not change a variance).
        var both = control + treatment;
        var n = both.Units;
        var sum = both.Sum - (adjustment.Theta * both.CovariateSum);
        var squares = both.SumOfSquares - (2 * adjustment.Theta * both.CrossProducts) + (adjustment.Theta * adjustment.Theta * both.CovariateSumOfSquares);
        var pooledVariance = Math.Max(0, (squares - (sum * sum / n)) / n);
        return Compare(adjustment.Control, adjustment.Treatment, isRate: true, pooledVariance, options ?? new LiftOptions(),
            $"CUPED (θ = {theta}, pooled within-arm regression of the outcome on the covariate), then the two-proportion z-test on the adjusted outcome (pooled variance for the test, unpooled for the interval); " + Relative);
    }

    /// <summary>
    /// The CUPED adjustment of two arms, exactly from their sufficient statistics (n, Σy, Σy², Σx, Σx², Σxy). Within an
    /// arm the centred sums are S_yy = Σy² − (Σy)²/n, S_xx = Σx² − (Σx)²/n, S_xy = Σxy − ΣxΣy/n. Then
    /// <code>θ = (S_xy,C + S_xy,T) / (S_xx,C + S_xx,T)</code> (the pooled within-arm covariance over the pooled within-arm
    /// variance of x: the slope of y on x with a separate intercept per arm, so a treatment effect does not leak into θ;
    /// θ = 0 when x does not vary), x̄ = (Σx_C + Σx_T) / (n_C + n_T), and for each arm the adjusted outcome
    /// y − θ(x − x̄) has
    /// <code>mean = ȳ − θ(x̄_arm − x̄)</code>
    /// <code>variance = (S_yy − 2θS_xy + θ²S_xx) / (n − 1)</code>
    /// (divided by n instead when <paramref name="isRate"/>, as the z-test uses it). θ is treated as known, as is usual:
    /// estimating it adds a term of order 1/n² to the variance of the difference.
    /// </summary>
    public static CupedAdjustment CupedAdjust(Moments control, Moments treatment, bool isRate = false)
    {
        CheckCovariate(control, nameof(control), isRate);
        CheckCovariate(treatment, nameof(treatment), isRate);
        var (syyC, sxxC, sxyC) = Centred(control);
        var (syyT, sxxT, sxyT) = Centred(treatment);
        var sxx = sxxC + sxxT;
        var theta = sxx > 0 ? (sxyC + sxyT) / sxx : 0;
        var xBar = (control.CovariateSum + treatment.CovariateSum) / (control.Units + treatment.Units);

        ArmSummary Adjusted(Moments arm, double syy, double sxxArm, double sxy) => new(
            arm.Units,
            arm.Mean - (theta * ((arm.CovariateSum / arm.Units) - xBar)),
            Math.Max(0, syy - (2 * theta * sxy) + (theta * theta * sxxArm)) / (isRate ? arm.Units : arm.Units - 1));

        var c = Adjusted(control, syyC, sxxC, sxyC);
        var t = Adjusted(treatment, syyT, sxxT, sxyT);
        var before = (syyC / (isRate ? control.Units : control.Units - 1) / control.Units) + (syyT / (isRate ? treatment.Units : treatment.Units - 1) / treatment.Units);
        var after = (c.Variance / c.Units) + (t.Variance / t.Units);
        return new CupedAdjustment(theta, xBar, c, t, before > 0 ? 1 - (after / before) : 0);
    }

    private static Lift Compare(ArmSummary c, ArmSummary t, bool isRate, double? pooledVariance, LiftOptions options, string method)
    {
        Checks.Confidence(options.Confidence);
        var alpha = 1 - options.Confidence;
        var difference = t.Mean - c.Mean;
        var a = t.Variance / t.Units;
        var b = c.Variance / c.Units;
        var se = Math.Sqrt(a + b);

        double statistic;
        double p;
        double? df = null;
        double quantile;
        if (isRate)
        {
            var se0 = Math.Sqrt(pooledVariance!.Value * ((1 / c.Units) + (1 / t.Units)));
            statistic = Ratio(difference, se0);
            p = 2 * Normal.CDF(0, 1, -Math.Abs(statistic));
            quantile = Normal.InvCDF(0, 1, 1 - (alpha / 2));
        }
        else
        {
            statistic = Ratio(difference, se);
            df = Satterthwaite(a, t.Units, b, c.Units);
            p = df is { } d ? 2 * StudentT.CDF(0, 1, d, -Math.Abs(statistic)) : (difference == 0 ? 1 : 0);
            quantile = df is { } d2 ? StudentT.InvCDF(0, 1, d2, 1 - (alpha / 2)) : 0;
        }

        double? relative = null;
        Interval? relativeInterval = null;
        if (c.Mean > 0 && t.Mean > 0)
        {
            var logRatio = Math.Log(t.Mean / c.Mean);
            var lt = t.Variance / (t.Units * t.Mean * t.Mean);
            var lc = c.Variance / (c.Units * c.Mean * c.Mean);
            var logSe = Math.Sqrt(lt + lc);
            var q = isRate ? quantile
                : Satterthwaite(lt, t.Units, lc, c.Units) is { } logDf ? StudentT.InvCDF(0, 1, logDf, 1 - (alpha / 2)) : 0;
            relative = Math.Exp(logRatio) - 1;
            relativeInterval = new Interval(Math.Exp(logRatio - (q * logSe)) - 1, Math.Exp(logRatio + (q * logSe)) - 1);
        }

        Interval? sequential = null;
        double? sequentialP = null;
        if (options.SequentialTuning is { } tuning)
        {
            var units = c.Units + t.Units;
            var half = ConfidenceSequence.HalfWidth(se, units, tuning, options.Confidence);
            sequential = new Interval(difference - half, difference + half);
            sequentialP = ConfidenceSequence.PValue(difference, se, units, tuning, options.Confidence);
            method += $"; always-valid interval: asymptotic confidence sequence (Waudby-Smith et al.), tuning N* = {tuning.ToString("G", CultureInfo.InvariantCulture)}";
        }

        return new Lift
        {
            Control = c.Mean,
            Treatment = t.Mean,
            Absolute = difference,
            AbsoluteInterval = new Interval(difference - (quantile * se), difference + (quantile * se)),
            Relative = relative,
            RelativeInterval = relativeInterval,
            StandardError = se,
            Statistic = statistic,
            DegreesOfFreedom = df,
            PValue = p,
            SequentialInterval = sequential,
            SequentialPValue = sequentialP,
            Method = method,
        };
    }

    // d / se, with a difference that has no spread: 0 when there is none, ±∞ when it is certain.
    private static double Ratio(double difference, double se) =>
        se > 0 ? difference / se : difference == 0 ? 0 : difference > 0 ? double.PositiveInfinity : double.NegativeInfinity;

    // Welch–Satterthwaite: (a + b)² / (a²/(n_a − 1) + b²/(n_b − 1)); null when both terms vanish.
    private static double? Satterthwaite(double a, double na, double b, double nb)
    {
        var denominator = (a * a / (na - 1)) + (b * b / (nb - 1));
        return denominator > 0 ? (a + b) * (a + b) / denominator : null;
    }

    private static ArmSummary Summary(Moments m) => new(m.Units, m.Mean, m.Variance);

    private static (double Syy, double Sxx, double Sxy) Centred(Moments m) => (
        Math.Max(0, m.SumOfSquares - (m.Sum * m.Sum / m.Units)),
        Math.Max(0, m.CovariateSumOfSquares - (m.CovariateSum * m.CovariateSum / m.Units)),
        m.CrossProducts - (m.CovariateSum * m.Sum / m.Units));

    private static void CheckRate(Moments m, string name)
    {
        if (!(m.Units >= 1) || !double.IsFinite(m.Units) || !(m.Sum >= 0) || m.Sum > m.Units)
        {
            throw new ArgumentOutOfRangeException(name, $"A rate needs at least one unit and 0 ≤ successes ≤ units, got {m.Sum} of {m.Units}.");
        }
    }

    private static void CheckMeans(Moments m, string name)
    {
        if (!(m.Units >= 2) || !double.IsFinite(m.Units) || !double.IsFinite(m.Sum) || !double.IsFinite(m.SumOfSquares))
        {
            throw new ArgumentOutOfRangeException(name, $"A mean needs at least two units and finite sums, got n = {m.Units}.");
        }

        if (m.SumOfSquares - (m.Sum * m.Sum / m.Units) < -Tolerance(m.SumOfSquares))
        {
            throw new ArgumentOutOfRangeException(name, "The sum of squares is smaller than (Σy)²/n: the variance would be negative.");
        }
    }

    private static void CheckCovariate(Moments m, string name, bool isRate)
    {
        if (isRate)
        {
            CheckRate(m, name);
            if (m.Units < 2)
            {
                throw new ArgumentOutOfRangeException(name, "CUPED needs at least two units per arm.");
            }
        }
        else
        {
            CheckMeans(m, name);
        }

        if (!double.IsFinite(m.CovariateSum) || !double.IsFinite(m.CovariateSumOfSquares) || !double.IsFinite(m.CrossProducts)
            || m.CovariateSumOfSquares - (m.CovariateSum * m.CovariateSum / m.Units) < -Tolerance(m.CovariateSumOfSquares))
        {
            throw new ArgumentOutOfRangeException(name, "The covariate's sums must be finite with Σx² ≥ (Σx)²/n.");
        }
    }

    // Rounding in sums of many squares: a variance a hair below zero is zero, not an error.
    private static double Tolerance(double squares) => 1e-9 * Math.Max(1, Math.Abs(squares));
}

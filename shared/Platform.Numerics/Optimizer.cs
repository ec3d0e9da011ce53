namespace Platform.Numerics;

/// <summary>Objective for <see cref="Optimizer"/>: returns f(x) and writes ∇f(x) into the gradient span; non-finite f marks x as infeasible.</summary>
public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Outcome of a minimisation: the best point, its value, iterations used and whether a convergence test passed.</summary>
public sealed record OptimizerResult(double[] Point, double Value, int Iterations, bool Converged);

/// <summary>Small unconstrained minimiser for smooth low-dimensional problems: BFGS with a strong-Wolfe line search, Nelder–Mead as a fallback.</summary>
public static class Optimizer
{
    // The models minimise the mean negative log-likelihood per customer over log-parameters, so these
    // tolerances are scale-free: 1e-8 nats per customer per log-unit gives parameters to ~1e-7 relative.
    private const double GradientTolerance = 1e-8;
    private const double LooseGradientTolerance = 1e-5;
    private const double MaxStep = 3.0;

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="start"/>: BFGS, then (if it stalls) Nelder–Mead and BFGS again.</summary>
    public static OptimizerResult Minimize(Objective objective, double[] start, int maxIterations, CancellationToken cancellationToken)
    {
        var first = Bfgs(objective, start, maxIterations, cancellationToken);
        if (first.Converged)
        {
            return first;
        }

        // BFGS stalls mostly where the curvature is poor or the start was infeasible; a derivative-free
        // pass moves into a better region and a second BFGS pass polishes.
        var simplex = NelderMead(objective, first.Point, 200 * start.Length, cancellationToken);
        var second = Bfgs(objective, simplex.Point, maxIterations, cancellationToken);
        var best = second.Value <= first.Value ? second : first;
        return best with { Iterations = first.Iterations + simplex.Iterations + second.Iterations };
    }

    /// <summary>BFGS on the inverse Hessian with a strong-Wolfe line search.</summary>
    public static OptimizerResult Bfgs(Objective objective, double[] start, int maxIterations, CancellationToken cancellationToken)
    {
        var n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        var f = objective(x, g);
        if (!double.IsFinite(f) || !AllFinite(g))
        {
            return new OptimizerResult(x, double.PositiveInfinity, 0, false);
        }

        var h = Identity(n);
        var firstUpdate = true;
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var s = new double[n];
        var y = new double[n];
        var hy = new double[n];
        var resets = 0;
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (MaxAbs(g) < GradientTolerance)
            {
                return new OptimizerResult(x, f, iteration - 1, true);
            }

            MatVec(h, g, direction);
            Scale(direction, -1.0);
            var slope = Dot(g, direction);
            if (!(slope < 0))
            {
                // H lost positive definiteness to rounding: restart from steepest descent.
                h = Identity(n);
                firstUpdate = true;
                g.CopyTo(direction, 0);
                Scale(direction, -1.0);
                slope = Dot(g, direction);
            }

            // Log-parameters: a step of more than a few units is a factor of e^3 and only risks overflow.
            var longest = MaxAbs(direction);
            if (longest > MaxStep)
            {
                Scale(direction, MaxStep / longest);
                slope *= MaxStep / longest;
            }

            var found = LineSearch(objective, x, f, slope, direction, xNew, gNew, out var fNew);
            if (!found)
            {
                if (MaxAbs(g) < LooseGradientTolerance)
                {
                    // No representable decrease left and the gradient is at rounding-noise level.
                    return new OptimizerResult(x, f, iteration, true);
                }

                if (resets++ < 2 && !firstUpdate)
                {
                    h = Identity(n);
                    firstUpdate = true;
                    continue;
                }

                return new OptimizerResult(x, f, iteration, false);
            }

            for (var i = 0; i < n; i++)
            {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }

            var sy = Dot(s, y);
            if (sy > 1e-300 && sy > 1e-12 * Math.Sqrt(Dot(s, s) * Dot(y, y)))
            {
                if (firstUpdate)
                {
                    // Shanno–Phua scaling: the first inverse-Hessian guess gets the curvature just seen.
                    h = Identity(n);
                    var gamma = sy / Dot(y, y);
                    for (var i = 0; i < n; i++)
                    {
                        h[i, i] = gamma;
                    }

                    firstUpdate = false;
                }

                UpdateInverseHessian(h, s, y, hy, sy);
            }

            var previous = f;
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = fNew;
            if (Math.Abs(previous - f) <= 1e-15 * Math.Max(1.0, Math.Abs(f)) && MaxAbs(g) < LooseGradientTolerance)
            {
                return new OptimizerResult(x, f, iteration, true);
            }
        }

        return new OptimizerResult(x, f, maxIterations, MaxAbs(g) < GradientTolerance);
    }

    /// <summary>Nelder–Mead simplex (standard coefficients) from <paramref name="start"/>, unit initial steps.</summary>
    public static OptimizerResult NelderMead(Objective objective, double[] start, int maxIterations, CancellationToken cancellationToken)
    {
        var n = start.Length;
        var scratch = new double[n];
        double Eval(double[] p)
        {
            var v = objective(p, scratch);
            return double.IsFinite(v) ? v : double.PositiveInfinity;
        }

        var points = new double[n + 1][];
        var values = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            points[i] = (double[])start.Clone();
            if (i > 0)
            {
                points[i][i - 1] += 0.5;
            }

            values[i] = Eval(points[i]);
        }

        var centroid = new double[n];
        var trial = new double[n];
        var trial2 = new double[n];
        var iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Sort(values, points);
            if (values[n] - values[0] <= 1e-12 * Math.Max(1.0, Math.Abs(values[0])))
            {
                break;
            }

            Array.Clear(centroid);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    centroid[j] += points[i][j] / n;
                }
            }

            Along(centroid, points[n], -1.0, trial);
            var reflected = Eval(trial);
            if (reflected < values[0])
            {
                Along(centroid, points[n], -2.0, trial2);
                var expanded = Eval(trial2);
                Replace(points, values, n, expanded < reflected ? trial2 : trial, Math.Min(expanded, reflected));
            }
            else if (reflected < values[n - 1])
            {
                Replace(points, values, n, trial, reflected);
            }
            else
            {
                var outside = reflected < values[n];
                Along(centroid, points[n], outside ? -0.5 : 0.5, trial2);
                var contracted = Eval(trial2);
                if (contracted < Math.Min(reflected, values[n]))
                {
                    Replace(points, values, n, trial2, contracted);
                }
                else
                {
                    for (var i = 1; i <= n; i++)
                    {
                        for (var j = 0; j < n; j++)
                        {
                            points[i][j] = points[0][j] + (0.5 * (points[i][j] - points[0][j]));
                        }

                        values[i] = Eval(points[i]);
                    }
                }
            }
        }

        Array.Sort(values, points);
        return new OptimizerResult(points[0], values[0], iteration, false);
    }

    /// <summary>Strong-Wolfe line search (Nocedal &amp; Wright, algorithms 3.5/3.6) along <paramref name="d"/>; leaves the accepted point in xNew/gNew.</summary>
    private static bool LineSearch(Objective objective, double[] x, double f0, double slope0, double[] d, double[] xNew, double[] gNew, out double fNew)
    {
        const double C1 = 1e-4;
        const double C2 = 0.9;
        var n = x.Length;
        var trialGradient = new double[n];
        var trialPoint = new double[n];

        (double F, double Slope) Phi(double step)
        {
            for (var i = 0; i < n; i++)
            {
                trialPoint[i] = x[i] + (step * d[i]);
            }

            var value = objective(trialPoint, trialGradient);
            return double.IsFinite(value) && AllFinite(trialGradient) ? (value, Dot(trialGradient, d)) : (double.PositiveInfinity, double.NaN);
        }

        void Accept()
        {
            trialPoint.CopyTo(xNew, 0);
            trialGradient.CopyTo(gNew, 0);
        }

        double previousStep = 0, previousF = f0, previousSlope = slope0;
        var step = 1.0;
        for (var i = 0; i < 30; i++)
        {
            var (fs, ss) = Phi(step);
            if (fs > f0 + (C1 * step * slope0) || (i > 0 && fs >= previousF))
            {
                return Zoom(previousStep, previousF, previousSlope, step, fs, out fNew);
            }

            if (Math.Abs(ss) <= -C2 * slope0)
            {
                Accept();
                fNew = fs;
                return true;
            }

            if (ss >= 0)
            {
                return Zoom(step, fs, ss, previousStep, previousF, out fNew);
            }

            previousStep = step;
            previousF = fs;
            previousSlope = ss;
            step *= 2.0;
        }

        fNew = f0;
        return false;

        bool Zoom(double lo, double fLo, double sLo, double hi, double fHi, out double fOut)
        {
            for (var j = 0; j < 40; j++)
            {
                var width = hi - lo;
                // Minimiser of the quadratic through (lo, fLo, sLo) and (hi, fHi), kept inside the bracket.
                var candidate = lo + (0.5 * width);
                var curvature = fHi - fLo - (sLo * width);
                if (double.IsFinite(fHi) && curvature > 0)
                {
                    candidate = lo - (sLo * width * width / (2 * curvature));
                }

                var low = lo + (0.1 * width);
                var high = hi - (0.1 * width);
                candidate = Math.Clamp(candidate, Math.Min(low, high), Math.Max(low, high));
                var (fc, sc) = Phi(candidate);
                if (fc > f0 + (C1 * candidate * slope0) || fc >= fLo)
                {
                    hi = candidate;
                    fHi = fc;
                }
                else
                {
                    if (Math.Abs(sc) <= -C2 * slope0)
                    {
                        Accept();
                        fOut = fc;
                        return true;
                    }

                    if (sc * (hi - lo) >= 0)
                    {
                        hi = lo;
                        fHi = fLo;
                    }

                    lo = candidate;
                    fLo = fc;
                    sLo = sc;
                }

                if (Math.Abs(hi - lo) < 1e-14 * Math.Max(1.0, Math.Abs(lo)))
                {
                    break;
                }
            }

            // The bracket collapsed: accept the best point if it decreased f at all (Armijo held there).
            if (lo > 0 && fLo < f0)
            {
                var (fl, _) = Phi(lo);
                Accept();
                fOut = fl;
                return true;
            }

            fOut = f0;
            return false;
        }
    }

    private static void UpdateInverseHessian(double[,] h, double[] s, double[] y, double[] hy, double sy)
    {
        var n = s.Length;
        MatVec(h, y, hy);
        var yhy = Dot(y, hy);
        var rho = 1.0 / sy;
        // H+ = H + (1 + ρ yᵀHy) ρ s sᵀ − ρ (Hy sᵀ + s yᵀH)
        var factor = (1.0 + (rho * yhy)) * rho;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                h[i, j] += (factor * s[i] * s[j]) - (rho * ((hy[i] * s[j]) + (s[i] * hy[j])));
            }
        }
    }

    private static void Replace(double[][] points, double[] values, int index, double[] point, double value)
    {
        point.CopyTo(points[index], 0);
        values[index] = value;
    }

    private static void Along(double[] centroid, double[] worst, double coefficient, double[] result)
    {
        for (var j = 0; j < centroid.Length; j++)
        {
            result[j] = centroid[j] + (coefficient * (worst[j] - centroid[j]));
        }
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            m[i, i] = 1.0;
        }

        return m;
    }

    private static void MatVec(double[,] m, double[] v, double[] result)
    {
        for (var i = 0; i < v.Length; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < v.Length; j++)
            {
                sum += m[i, j] * v[j];
            }

            result[i] = sum;
        }
    }

    private static double Dot(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        var sum = 0.0;
        for (var i = 0; i < u.Length; i++)
        {
            sum += u[i] * v[i];
        }

        return sum;
    }

    private static void Scale(double[] v, double factor)
    {
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= factor;
        }
    }

    private static double MaxAbs(double[] v)
    {
        var max = 0.0;
        foreach (var value in v)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (var value in v)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}

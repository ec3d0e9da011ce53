using static Platform.Numerics.SpecialFunctions;

namespace Segmentation.Features.Models;

/// <summary>
/// A data set compiled for fast BG/NBD likelihood evaluation: identical (x, t_x, T) collapse into weighted rows,
/// the lgamma/digamma terms are computed once per distinct x and the logs once per distinct T and t_x,
/// so a row costs one exp and one log; rows are summed in fixed chunks (in parallel, same result every run).
/// </summary>
internal sealed class BgNbdLikelihood
{
    private const int ChunkSize = 32_768;

    private readonly int[] distinctX;
    private readonly double[] weightOfX;
    private readonly double[] distinctAge;
    private readonly double[] distinctRecency;
    private readonly int[] rowX;
    private readonly int[] rowAge;
    private readonly int[] rowRecency;
    private readonly double[] rowWeight;
    private readonly int firstRepeatRow;

    public BgNbdLikelihood(IReadOnlyList<PurchaseHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var counts = new Dictionary<(int X, double Recency, double Age), int>();
        double totalAge = 0, totalFrequency = 0;
        for (var i = 0; i < histories.Count; i++)
        {
            var h = histories[i];
            h.Validate();
            // t_x does not enter the likelihood when x = 0, so such customers collapse on T alone.
            var key = (h.Frequency, h.Frequency == 0 ? 0.0 : h.Recency, h.Age);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            totalAge += h.Age;
            totalFrequency += h.Frequency;
        }

        Customers = histories.Count;
        TotalAge = totalAge;
        TotalFrequency = totalFrequency;

        var rows = counts.ToArray();
        // Ascending x puts the x = 0 rows (one branch only) first, so the hot loop needs no per-row branch.
        Array.Sort(rows, static (u, v) => u.Key.X.CompareTo(v.Key.X));
        distinctX = rows.Select(row => row.Key.X).Distinct().ToArray();
        distinctAge = rows.Select(row => row.Key.Age).Distinct().ToArray();
        distinctRecency = rows.Select(row => row.Key.Recency).Distinct().ToArray();
        var xIndex = Index(distinctX);
        var ageIndex = Index(distinctAge);
        var recencyIndex = Index(distinctRecency);

        weightOfX = new double[distinctX.Length];
        rowX = new int[rows.Length];
        rowAge = new int[rows.Length];
        rowRecency = new int[rows.Length];
        rowWeight = new double[rows.Length];
        firstRepeatRow = rows.Length;
        for (var i = 0; i < rows.Length; i++)
        {
            var (key, count) = (rows[i].Key, rows[i].Value);
            rowX[i] = xIndex[key.X];
            rowAge[i] = ageIndex[key.Age];
            rowRecency[i] = recencyIndex[key.Recency];
            rowWeight[i] = count;
            weightOfX[rowX[i]] += count;
            if (key.X > 0 && firstRepeatRow == rows.Length)
            {
                firstRepeatRow = i;
            }
        }
    }

    /// <summary>Number of customers (sum of row weights).</summary>
    public int Customers { get; }

    /// <summary>Σ T over customers (for a starting value of α).</summary>
    public double TotalAge { get; }

    /// <summary>Σ x over customers (for a starting value of α).</summary>
    public double TotalFrequency { get; }

    /// <summary>Distinct (x, t_x, T) rows after collapsing.</summary>
    public int Rows => rowWeight.Length;

    /// <summary>Total log-likelihood at <paramref name="p"/>; writes ∂/∂(r, α, a, b) into <paramref name="gradient"/>.</summary>
    public double Evaluate(BgNbdParameters p, Span<double> gradient)
    {
        var (r, alpha, a, b) = p;
        var logAlpha = Math.Log(alpha);
        var lgR = LogGamma(r);
        var psiR = Digamma(r);
        var lgAb = LogGamma(a + b);
        var psiAb = Digamma(a + b);
        var lgB = LogGamma(b);
        var psiB = Digamma(b);

        var n = distinctX.Length;
        var rPlusX = new double[n];
        var droppedConstant = new double[n];
        var inverseBx = new double[n];
        double ll = 0, dr = 0, dAlpha = 0, da = 0, db = 0;
        for (var k = 0; k < n; k++)
        {
            var x = distinctX[k];
            var w = weightOfX[k];
            rPlusX[k] = r + x;
            ll += w * (LogGamma(r + x) - lgR + (r * logAlpha) + lgAb + LogGamma(b + x) - lgB - LogGamma(a + b + x));
            dr += w * (Digamma(r + x) - psiR + logAlpha);
            dAlpha += w * r / alpha;
            var psiAbx = Digamma(a + b + x);
            da += w * (psiAb - psiAbx);
            db += w * (psiAb + Digamma(b + x) - psiB - psiAbx);
            if (x > 0)
            {
                inverseBx[k] = 1.0 / (b + x - 1);
                droppedConstant[k] = Math.Log(a) + Math.Log(inverseBx[k]);
            }
        }

        var logAge = new double[distinctAge.Length];
        var inverseAge = new double[distinctAge.Length];
        for (var j = 0; j < distinctAge.Length; j++)
        {
            logAge[j] = Math.Log(alpha + distinctAge[j]);
            inverseAge[j] = 1.0 / (alpha + distinctAge[j]);
        }

        var logRecency = new double[distinctRecency.Length];
        var inverseRecency = new double[distinctRecency.Length];
        for (var j = 0; j < distinctRecency.Length; j++)
        {
            logRecency[j] = Math.Log(alpha + distinctRecency[j]);
            inverseRecency[j] = 1.0 / (alpha + distinctRecency[j]);
        }

        var chunks = (Rows + ChunkSize - 1) / ChunkSize;
        var partials = new Partial[chunks];
        void Chunk(int c)
        {
            var end = Math.Min(Rows, (c + 1) * ChunkSize);
            var start = c * ChunkSize;
            Partial sum = default;
            // x = 0: only the "still active" branch.
            for (var i = start; i < Math.Min(end, firstRepeatRow); i++)
            {
                var w = rowWeight[i];
                var j = rowAge[i];
                sum.LogLikelihood -= w * r * logAge[j];
                sum.R -= w * logAge[j];
                sum.Alpha -= w * r * inverseAge[j];
            }

            for (var i = Math.Max(start, firstRepeatRow); i < end; i++)
            {
                var w = rowWeight[i];
                var k = rowX[i];
                var j = rowAge[i];
                var m = rowRecency[i];
                var rx = rPlusX[k];
                var survived = -rx * logAge[j];
                var dropped = droppedConstant[k] - (rx * logRecency[m]);
                double top, wSurvived, wDropped;
                // Log-sum-exp of the two branches; the weights are each branch's share of the likelihood.
                if (survived >= dropped)
                {
                    var e = Math.Exp(dropped - survived);
                    top = survived;
                    wSurvived = 1.0 / (1.0 + e);
                    wDropped = e * wSurvived;
                }
                else
                {
                    var e = Math.Exp(survived - dropped);
                    top = dropped;
                    wDropped = 1.0 / (1.0 + e);
                    wSurvived = e * wDropped;
                }

                // ln(1 + e) = −ln(share of the larger branch).
                sum.LogLikelihood += w * (top - Math.Log(Math.Max(wSurvived, wDropped)));
                sum.R -= w * ((wSurvived * logAge[j]) + (wDropped * logRecency[m]));
                sum.Alpha -= w * rx * ((wSurvived * inverseAge[j]) + (wDropped * inverseRecency[m]));
                sum.A += w * wDropped;
                sum.B -= w * wDropped * inverseBx[k];
            }

            partials[c] = sum;
        }

        if (chunks > 1)
        {
            Parallel.For(0, chunks, Chunk);
        }
        else if (chunks == 1)
        {
            Chunk(0);
        }

        // Summing the chunks in order keeps the result independent of thread scheduling.
        foreach (var part in partials)
        {
            ll += part.LogLikelihood;
            dr += part.R;
            dAlpha += part.Alpha;
            da += part.A / a;
            db += part.B;
        }

        gradient[0] = dr;
        gradient[1] = dAlpha;
        gradient[2] = da;
        gradient[3] = db;
        return ll;
    }

    private static Dictionary<T, int> Index<T>(T[] values)
        where T : notnull
    {
        var index = new Dictionary<T, int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            index[values[i]] = i;
        }

        return index;
    }

    private struct Partial
    {
        public double LogLikelihood;
        public double R;
        public double Alpha;
        public double A;
        public double B;
    }
}

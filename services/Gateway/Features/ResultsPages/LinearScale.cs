namespace Gateway.Features.ResultsPages;

/// <summary>Maps values of a domain [<see cref="Min"/>, <see cref="Max"/>] linearly onto pixels [<see cref="From"/>, <see cref="To"/>].</summary>
public sealed record LinearScale(double Min, double Max, double From, double To)
{
    /// <summary>
    /// A scale covering every finite value given (and 0 when <paramref name="includeZero"/>), widened by 5% on each side so
    /// no mark sits on the edge; a single value gets a domain around it.
    /// </summary>
    public static LinearScale Covering(IEnumerable<double?> values, bool includeZero, double from, double to)
    {
        var finite = values.Where(v => v is { } d && double.IsFinite(d)).Select(v => v!.Value).ToList();
        if (includeZero)
        {
            finite.Add(0);
        }

        if (finite.Count == 0)
        {
            return new LinearScale(0, 1, from, to);
        }

        double min = finite.Min(), max = finite.Max();
        if (max - min < 1e-12)
        {
            var half = Math.Abs(max) > 1e-12 ? Math.Abs(max) * 0.5 : 1;
            return new LinearScale(min - half, max + half, from, to);
        }

        var pad = (max - min) * 0.05;
        return new LinearScale(includeZero && min == 0 ? 0 : min - pad, max + pad, from, to);
    }

    /// <summary>The pixel of <paramref name="value"/>, clamped to the range (an unbounded end is drawn to the edge).</summary>
    public double Map(double value)
    {
        var x = From + ((value - Min) / (Max - Min) * (To - From));
        return Math.Clamp(x, Math.Min(From, To), Math.Max(From, To));
    }

    /// <summary>True when <paramref name="value"/> lies inside the domain (drawn where it is, not clamped).</summary>
    public bool Contains(double value) => value >= Min && value <= Max;

    /// <summary>
    /// Axis ticks a reader can take in: multiples of 1, 2, 2.5 or 5 × 10^k inside the domain, at most
    /// <paramref name="maxCount"/> of them (0 among them whenever the domain holds it).
    /// </summary>
    public IReadOnlyList<double> Ticks(int maxCount)
    {
        var step = NiceStep((Max - Min) / Math.Max(1, maxCount - 1));
        var ticks = new List<double>();
        for (var k = Math.Ceiling(Min / step); k * step <= Max + (step * 1e-9); k++)
        {
            ticks.Add(Math.Abs(k) < 1e-9 ? 0 : k * step);
        }

        return ticks;
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10^k at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (var m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * power >= rough * (1 - 1e-9))
            {
                return m * power;
            }
        }

        return 10 * power;
    }
}

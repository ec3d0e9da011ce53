using System.Text.Json;
using Platform.Testing;

namespace EndToEnd.RealData;

/// <summary>
/// The figures <c>reference_results.py</c> computed on the raw files with SciPy and statsmodels
/// (<c>reference_results.json</c> beside it): per data set, "full" and "ci" (the subsample), each with per-cell counts,
/// rates and Wilson intervals, and per treated cell the lifts against control.
/// </summary>
public static class ReferenceResults
{
    private static readonly Lazy<JsonElement> All = new(() =>
    {
        var path = Path.Combine(TestServers.RepositoryRoot(), "tests", "EndToEnd", "Measurement", "reference_results.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    /// <summary>The figures of <paramref name="dataSet"/> for this run (<see cref="RealDataSet.Section"/>).</summary>
    public static JsonElement For(string dataSet) => All.Value.GetProperty(dataSet).GetProperty(RealDataSet.Section);
}

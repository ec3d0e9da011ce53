using System.Text.Json;
using Platform.Testing;

namespace EndToEnd.RealData;

/// <summary>
/// The figures <c>reference_results.py</c> computed on the raw files with SciPy and statsmodels
/// (<c>reference_results.json</c> beside it): per data set the per-cell counts, rates and Wilson intervals, and per
/// treated cell the lifts against control, metric by metric, unadjusted and CUPED.
/// </summary>
public static class ReferenceResults
{
    private static readonly Lazy<JsonElement> All = new(() =>
    {
        var path = Path.Combine(TestServers.RepositoryRoot(), "tests", "EndToEnd", "Measurement", "reference_results.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    });

    /// <summary>The figures of <paramref name="dataSet"/> (hillstrom, wi_ballot_secrecy, wi_group_competition).</summary>
    public static JsonElement For(string dataSet) => All.Value.GetProperty(dataSet);
}

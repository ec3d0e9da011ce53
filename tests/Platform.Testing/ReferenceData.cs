namespace Platform.Testing;

/// <summary>
/// The team's reference data sets: <c>../shared/data</c> beside the checkout, the source of truth; a checkout without
/// it (a clone somewhere else) uses the identical copy committed under <c>tests/data</c>.
/// </summary>
public static class ReferenceData
{
    /// <summary>A file of a data set, e.g. <c>ReferenceData.Path("cdnow", "CDNOW_sample.txt")</c>.</summary>
    public static string Path(params string[] parts)
    {
        var root = TestServers.RepositoryRoot();
        var beside = System.IO.Path.Combine([root, "..", "shared", "data", .. parts]);
        return File.Exists(beside) ? beside : System.IO.Path.Combine([root, "tests", "data", .. parts]);
    }
}

namespace Segmentation.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void ReferenceData_IsBesideTheCheckout() =>
        Assert.True(File.Exists(Path.Combine(Platform.Testing.TestServers.RepositoryRoot(), "..", "shared", "data", "cdnow", "CDNOW_sample.txt")));
}

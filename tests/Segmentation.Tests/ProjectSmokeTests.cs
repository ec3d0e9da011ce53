namespace Segmentation.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void ReferenceData_IsFound() =>
        Assert.True(File.Exists(Platform.Testing.ReferenceData.Path("cdnow", "CDNOW_sample.txt")));
}

using System.Xml.Linq;

namespace Architecture.Tests;

/// <summary>Services talk only through RabbitMQ events: no service project may reference another, nor shared code a service.</summary>
public sealed class ProjectReferenceTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> ServiceProjects() => new(Projects("services"));

    public static TheoryData<string> SharedProjects() => new(Projects("shared"));

    [Fact]
    public void AllFiveServicesExist()
    {
        Assert.Equal(["Campaigns", "Gateway", "Ingestion", "Measurement", "Segmentation"], Projects("services").Select(Path.GetFileNameWithoutExtension).Order());
    }

    [Theory]
    [MemberData(nameof(ServiceProjects))]
    public void Service_ReferencesNoOtherService(string project)
    {
        var offending = References(project).Where(r => r.StartsWith(Path.Combine(Root, "services") + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToList();
        Assert.True(offending.Count == 0, $"{Path.GetFileName(project)} references {string.Join(", ", offending.Select(Path.GetFileName))}");
    }

    [Theory]
    [MemberData(nameof(SharedProjects))]
    public void SharedLibrary_ReferencesOnlySharedLibraries(string project)
    {
        Assert.All(References(project), r => Assert.StartsWith(Path.Combine(Root, "shared") + Path.DirectorySeparatorChar, r));
    }

    [Fact]
    public void Contracts_DependOnNothing()
    {
        var project = XDocument.Load(Path.Combine(Root, "shared", "Platform.Contracts", "Platform.Contracts.csproj"));
        Assert.DoesNotContain(project.Descendants(), e => e.Name.LocalName is "ProjectReference" or "PackageReference" or "FrameworkReference");
    }

    private static IEnumerable<string> References(string project) =>
        XDocument.Load(project).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, e.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar))));

    private static IEnumerable<string> Projects(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found");
    }
}

namespace Deploy.Tests.Kubernetes;

/// <summary>A copy of deploy/k8s/base in a temporary folder, for tests that break it; deleted on dispose.</summary>
public sealed class BaseCopy : IDisposable
{
    public BaseCopy()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"k8s-base-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.EnumerateFiles(Manifests.Kustomization("base")))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    /// <summary>The folder holding the copy.</summary>
    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

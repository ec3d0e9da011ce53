namespace Platform.Testing;

/// <summary>A folder of its own under the OS temp folder (e.g. an import spool), deleted with everything in it when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>A new, not yet created, folder named <paramref name="purpose"/> plus a unique suffix (services create it on use).</summary>
    public TempDirectory(string purpose) => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{purpose}-{Guid.NewGuid():N}");

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

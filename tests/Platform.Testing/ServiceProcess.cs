using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Platform.Testing;

/// <summary>
/// A service running as its own operating-system process, from its build output
/// (<c>services/&lt;Name&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;Name&gt;.dll</c>, built by <c>dotnet build Platform.sln</c>),
/// on a loopback port the OS picks: what a deployment runs, with nothing shared in memory between the services.
/// Killed (with its children) on dispose. The last lines it wrote to stderr/stdout are kept for failure messages.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<string>? _onLine;

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The service's name, e.g. <c>Ingestion</c>.</summary>
    public string Name { get; }

    /// <summary>The address it listens on, once <see cref="StartAsync"/> returned.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>
    /// Starts the built service <paramref name="name"/> with <paramref name="settings"/> as its environment
    /// (configuration keys with <c>:</c> are written as <c>__</c>; <c>ASPNETCORE_URLS</c> there replaces the OS-picked
    /// port) and waits until it listens. <paramref name="onLine"/> sees every line the process writes.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, Action<string>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = ServiceDll(name);
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Now listening on: ..."
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var service = new ServiceProcess(name, process) { _onLine = onLine };
        process.OutputDataReceived += (_, e) => service.Read(e.Data);
        process.ErrorDataReceived += (_, e) => service.Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(service._listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(2)));
        if (first != service._listening.Task)
        {
            var output = service.Output();
            await service.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start listening (exited: {first == exited}). Its last output:\n{output}");
        }

        service.Address = await service._listening.Task;
        return service;
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Output()
    {
        lock (_lines)
        {
            return string.Join('\n', _lines);
        }
    }

    /// <summary>Kills the process at once (a crash, not a shutdown).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Path of the built service: the same configuration (Release/Debug) as the running test assembly.</summary>
    private static string ServiceDll(string name)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(TestServers.RepositoryRoot(), "services", name, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Platform.sln -c {configuration})", dll);
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        _onLine?.Invoke(line);
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}

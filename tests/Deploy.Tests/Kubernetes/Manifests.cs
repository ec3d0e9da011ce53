using System.Diagnostics;
using System.Text.Json;

namespace Deploy.Tests.Kubernetes;

/// <summary>
/// Renders deploy/k8s with Debian's kubectl (<c>kubectl kustomize</c>) and validates the result with
/// <c>deploy/tools/k8s/validate.mjs</c> (the Kubernetes and CloudNativePG schemas from npm, the RabbitmqCluster
/// schema in deploy/k8s/schemas). Both are installed into .local/tools by <c>./deploy/platform tools</c>
/// (<c>./deploy/platform test</c> does it); missing, the tests that need them fail: a check that silently did not
/// run would prove nothing.
/// </summary>
public static class Manifests
{
    /// <summary>The five services, each with its own workload, Service, database and policies.</summary>
    public static readonly string[] Services = ["ingestion", "segmentation", "campaigns", "measurement", "gateway"];

    /// <summary>The checkout this test runs from (the folder holding Platform.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>kubectl of Debian's kubernetes-client, unpacked by <c>./deploy/platform tools</c>.</summary>
    public static string KubectlPath => Path.Combine(RepositoryRoot, ".local", "tools", "kubernetes-client", "usr", "bin", "kubectl");

    /// <summary>The validator script.</summary>
    public static string ValidatorPath => Path.Combine(RepositoryRoot, "deploy", "tools", "k8s", "validate.mjs");

    /// <summary>A kustomization under deploy/k8s ("base", "overlays/production").</summary>
    public static string Kustomization(string name) => Path.Combine(RepositoryRoot, "deploy", "k8s", name);

    /// <summary><c>kubectl kustomize DIRECTORY</c>: the exit code, the rendered YAML and what it printed on standard error.</summary>
    public static async Task<(int ExitCode, string Yaml, string Error)> RenderAsync(string directory)
    {
        if (!File.Exists(KubectlPath))
        {
            throw new InvalidOperationException($"kubectl is not installed at {KubectlPath}: run ./deploy/platform tools (./deploy/platform test does it)");
        }

        return await RunAsync(KubectlPath, null, "kustomize", directory);
    }

    /// <summary>Renders a kustomization, failing the test when kustomize does.</summary>
    public static async Task<string> RenderOrFailAsync(string name)
    {
        var (exitCode, yaml, error) = await RenderAsync(Kustomization(name));
        Assert.True(exitCode == 0, $"kubectl kustomize {name} failed (exit {exitCode}): {error}");
        return yaml;
    }

    /// <summary>Validates multi-document YAML; throws when the validator itself could not run.</summary>
    public static async Task<ValidationReport> ValidateAsync(string yaml)
    {
        var (exitCode, output, error) = await RunAsync("node", yaml, ValidatorPath);
        if (exitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"{ValidatorPath} could not validate (exit {exitCode}): {error}");
        }

        using var report = JsonDocument.Parse(output);
        var documents = report.RootElement.GetProperty("documents").EnumerateArray().Select(d => new ManifestDocument(
            d.GetProperty("apiVersion").GetString(),
            d.GetProperty("kind").GetString(),
            d.GetProperty("name").GetString(),
            d.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList(),
            d.GetProperty("object").Clone())).ToList();
        return new ValidationReport(exitCode, documents, error);
    }

    /// <summary>Renders and validates a kustomization.</summary>
    public static async Task<ValidationReport> RenderAndValidateAsync(string name) => await ValidateAsync(await RenderOrFailAsync(name));

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string command, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

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

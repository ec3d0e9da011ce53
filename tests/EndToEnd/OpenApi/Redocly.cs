using System.Diagnostics;
using System.Text.Json;
using Platform.Testing;

namespace EndToEnd.OpenApi;

/// <summary>
/// The OpenAPI linter (<c>@redocly/cli</c>, pinned in <c>deploy/tools/package.json</c>), installed into
/// <c>.local/tools</c> by <c>./deploy/platform test</c> (or <c>./deploy/platform tools</c>). Missing, it fails the
/// test that needs it: a lint that silently did not run would prove nothing.
/// </summary>
public static class Redocly
{
    /// <summary>The committed configuration: the recommended rules.</summary>
    public static string ConfigPath => Path.Combine(TestServers.RepositoryRoot(), "deploy", "tools", "redocly.yaml");

    /// <summary>Where the install puts the command.</summary>
    public static string CommandPath => Path.Combine(TestServers.RepositoryRoot(), ".local", "tools", "node_modules", ".bin", "redocly");

    /// <summary>Lints <paramref name="documentPath"/>: the exit code, the error and warning counts, and the problems as text.</summary>
    public static async Task<(int ExitCode, int Errors, int Warnings, string Problems, string Version)> LintAsync(string documentPath)
    {
        if (!File.Exists(CommandPath))
        {
            throw new InvalidOperationException($"redocly is not installed at {CommandPath}: run ./deploy/platform tools (./deploy/platform test does it)");
        }

        var version = (await RunAsync("--version")).Output.Trim().Split('\n')[0].Trim();
        var (exitCode, output, error) = await RunAsync("lint", "--config", ConfigPath, "--format", "json", documentPath);
        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"redocly lint printed no JSON report (exit {exitCode}): {output} {error}");
        }

        using var report = JsonDocument.Parse(output[start..]);
        var totals = report.RootElement.GetProperty("totals");
        var problems = string.Join("\n", report.RootElement.GetProperty("problems").EnumerateArray().Select(p =>
            $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at "
            + string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.TryGetProperty("pointer", out var pointer) ? pointer.GetString() : ""))));
        return (exitCode, totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(), problems, version);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(CommandPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry or update check: the machines have no internet, and a lint must not wait for it.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

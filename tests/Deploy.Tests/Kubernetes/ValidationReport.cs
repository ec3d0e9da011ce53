namespace Deploy.Tests.Kubernetes;

/// <summary>What <c>deploy/tools/k8s/validate.mjs</c> said about a set of manifests.</summary>
public sealed record ValidationReport(int ExitCode, IReadOnlyList<ManifestDocument> Documents, string Error)
{
    /// <summary>Every error, prefixed with its document.</summary>
    public IEnumerable<string> Errors => Documents.SelectMany(d => d.Errors.Select(e => $"{d.Kind} {d.Name}: {e}"));

    /// <summary>The documents of a kind.</summary>
    public IEnumerable<ManifestDocument> OfKind(string kind) => Documents.Where(d => d.Kind == kind);

    /// <summary>The one document of a kind and name.</summary>
    public ManifestDocument Document(string kind, string name) => Documents.Single(d => d.Kind == kind && d.Name == name);
}

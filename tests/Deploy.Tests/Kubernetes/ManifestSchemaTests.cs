namespace Deploy.Tests.Kubernetes;

/// <summary>
/// deploy/k8s renders with kustomize and every rendered object matches its schema: the Kubernetes API's for built-in
/// kinds, CloudNativePG's for its Cluster, the project's RabbitmqCluster schema. The negative cases break a real
/// render the way a hand edit would, and prove the check refuses each break.
/// </summary>
public sealed class ManifestSchemaTests
{
    [Theory]
    [InlineData("base")]
    [InlineData("overlays/production")]
    public async Task Kustomization_RendersAndEveryObjectMatchesItsSchema(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        Assert.True(report.ExitCode == 0 && !report.Errors.Any(), string.Join("\n", report.Errors));
        // The operators' kinds are checked like the rest, not passed over.
        Assert.Single(report.OfKind("RabbitmqCluster"));
        Assert.Equal(5, report.OfKind("Cluster").Count(d => d.ApiVersion == "postgresql.cnpg.io/v1"));
    }

    [Fact]
    public async Task Validator_RefusesAnUnknownFieldInADeployment()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml.Replace("livenessProbe:", "livenessProbes:", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Contains("/spec/template/spec/containers/0/livenessProbes: unknown field", report.Document("Deployment", "gateway").Errors);
    }

    [Fact]
    public async Task Validator_RefusesAWrongTypeInADeployment()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml.Replace("containerPort: 8080", "containerPort: eighty", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Document("Deployment", "campaigns").Errors, e => e.StartsWith("/spec/template/spec/containers/0/ports/0/containerPort: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_RefusesAMissingRequiredField()
    {
        const string Pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: nameless-container
            spec:
              containers:
                - image: platform/gateway
            """;

        var report = await Manifests.ValidateAsync(Pod);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Document("Pod", "nameless-container").Errors, e => e.StartsWith("/spec/containers/0: required", StringComparison.Ordinal) && e.Contains("name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_RefusesAnUnknownFieldInMetadata()
    {
        var yaml = await Manifests.RenderOrFailAsync("base");

        var report = await Manifests.ValidateAsync(yaml.Replace("  labels:", "  label:", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Contains("/metadata/label: unknown field", report.Document("Service", "ingestion").Errors);
    }

    [Fact]
    public async Task Validator_RefusesAnUnknownFieldInTheRabbitmqCluster()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml.Replace("persistence:", "persistance:", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Document("RabbitmqCluster", "rabbitmq").Errors, e => e.Contains("persistance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_RefusesAWrongTypeInTheRabbitmqCluster()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml.Replace("\n  replicas: 3\n", "\n  replicas: three\n", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Document("RabbitmqCluster", "rabbitmq").Errors, e => e.StartsWith("/spec/replicas: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_ChecksTheRabbitmqClustersKubernetesParts()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml.Replace("requiredDuringSchedulingIgnoredDuringExecution:", "requiredDuringScheduling:", StringComparison.Ordinal));

        Assert.Contains("/spec/affinity/podAntiAffinity/requiredDuringScheduling: unknown field", report.Document("RabbitmqCluster", "rabbitmq").Errors);
    }

    [Fact]
    public async Task Validator_RefusesAnUnknownFieldAndAWrongTypeInACloudNativePgCluster()
    {
        var yaml = await Manifests.RenderOrFailAsync("overlays/production");

        var report = await Manifests.ValidateAsync(yaml
            .Replace("walStorage:", "walStorag:", StringComparison.Ordinal)
            .Replace("enablePodAntiAffinity: true", "enablePodAntiAffinity: yes-please", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        var errors = report.Document("Cluster", "measurement-db").Errors;
        Assert.Contains("/spec/walStorag: unknown field", errors);
        Assert.Contains(errors, e => e.StartsWith("/spec/affinity/enablePodAntiAffinity: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_RefusesAKindItHasNoSchemaFor()
    {
        const string Unknown = """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            """;

        var report = await Manifests.ValidateAsync(Unknown);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Document("Widget", "w").Errors, e => e.Contains("no schema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validator_RefusesADuplicateKey()
    {
        const string Duplicate = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: twice
            data:
              a: "1"
              a: "2"
            """;

        var report = await Manifests.ValidateAsync(Duplicate);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(report.Errors, e => e.Contains("unique", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kustomize_FailsOnABrokenManifestFile()
    {
        using var copy = new BaseCopy();
        var gateway = Path.Combine(copy.Path, "gateway.yaml");
        await File.AppendAllTextAsync(gateway, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n");

        var (exitCode, _, error) = await Manifests.RenderAsync(copy.Path);

        Assert.True(exitCode != 0, "kubectl kustomize rendered a broken file");
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Kustomize_FailsOnAMissingResource()
    {
        using var copy = new BaseCopy();
        File.Delete(Path.Combine(copy.Path, "rabbitmq.yaml"));

        var (exitCode, _, error) = await Manifests.RenderAsync(copy.Path);

        Assert.True(exitCode != 0, "kubectl kustomize rendered without rabbitmq.yaml");
        Assert.Contains("rabbitmq.yaml", error, StringComparison.Ordinal);
    }
}

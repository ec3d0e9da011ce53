using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deploy.Tests.Kubernetes;

/// <summary>
/// What the rendered manifests promise operators, in both the base and the production overlay: every service has its
/// probes on the health endpoints the code maps, resources, a locked-down security context, a PodDisruptionBudget,
/// an autoscaler and network policies; secrets come only by reference; each service has its own database.
/// </summary>
public sealed partial class ManifestPolicyTests
{
    private static readonly string[] Probes = ["livenessProbe", "startupProbe", "readinessProbe"];
    private static readonly string[] AllCapabilities = ["ALL"];
    private static readonly string[] ResourceParts = ["requests", "limits"];

    public static TheoryData<string> Kustomizations() => new("base", "overlays/production");

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryService_HasWorkloadServiceDisruptionBudgetAutoscalerAndNetworkPolicy(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        foreach (var service in Manifests.Services)
        {
            var workload = Workload(report, service);
            Assert.Equal("8080", report.Document("Service", service).At("spec", "ports", 0, "port")?.GetRawText());
            Assert.Equal(service, report.Document("PodDisruptionBudget", service).Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));
            var autoscaler = report.Document("HorizontalPodAutoscaler", service);
            Assert.Equal(workload.Kind, autoscaler.Text("spec", "scaleTargetRef", "kind"));
            Assert.Equal(service, autoscaler.Text("spec", "scaleTargetRef", "name"));
            Assert.Null(workload.At("spec", "replicas")); // the autoscaler owns the count
            Assert.Equal(service, report.Document("NetworkPolicy", service).Text("spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryService_ProbesTheHealthEndpointsTheCodeMaps(string name)
    {
        var source = await File.ReadAllTextAsync(Path.Combine(Manifests.RepositoryRoot, "shared", "Platform.ServiceDefaults", "ServiceDefaultsExtensions.cs"));
        var mapped = HealthEndpoint().Matches(source).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["/health/live", "/health/ready"], mapped);
        var report = await Manifests.RenderAndValidateAsync(name);

        foreach (var service in Manifests.Services)
        {
            var container = Workload(report, service).At("spec", "template", "spec", "containers", 0)!.Value;
            Assert.Equal("/health/live", Get(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("/health/live", Get(container, "startupProbe", "httpGet", "path"));
            Assert.Equal("/health/ready", Get(container, "readinessProbe", "httpGet", "path"));
            Assert.All(Probes, probe => Assert.Equal("http", Get(container, probe, "httpGet", "port")));
            Assert.Equal("8080", container.GetProperty("ports")[0].GetProperty("containerPort").GetRawText());
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryPod_RunsAsNonRootOnAReadOnlyRootWithoutPrivilegeEscalationAndWithResources(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);
        var pods = Manifests.Services.Select(s => Workload(report, s)).Append(report.Document("Job", "rabbitmq-init")).ToList();

        Assert.All(pods, pod =>
        {
            var spec = pod.At("spec", "template", "spec")!.Value;
            Assert.True(spec.GetProperty("securityContext").GetProperty("runAsNonRoot").GetBoolean(), $"{pod}: runAsNonRoot");
            Assert.Equal("RuntimeDefault", Get(spec, "securityContext", "seccompProfile", "type"));
            Assert.False(spec.GetProperty("automountServiceAccountToken").GetBoolean(), $"{pod}: mounts a service account token");
            foreach (var container in spec.GetProperty("containers").EnumerateArray())
            {
                var security = container.GetProperty("securityContext");
                Assert.False(security.GetProperty("allowPrivilegeEscalation").GetBoolean(), $"{pod}: privilege escalation");
                Assert.True(security.GetProperty("readOnlyRootFilesystem").GetBoolean(), $"{pod}: writable root");
                Assert.Equal(AllCapabilities, security.GetProperty("capabilities").GetProperty("drop").EnumerateArray().Select(c => c.GetString()));
                foreach (var part in ResourceParts)
                {
                    var resources = container.GetProperty("resources").GetProperty(part);
                    Assert.True(resources.TryGetProperty("cpu", out _) && resources.TryGetProperty("memory", out _), $"{pod}: {part} lack cpu or memory");
                }
            }
        });
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryReference_PointsAtSomethingRendered(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);
        var configMaps = report.OfKind("ConfigMap").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var pods = report.Documents.Where(d => d.Kind is "Deployment" or "StatefulSet" or "Job").ToList();

        foreach (var pod in pods)
        {
            var spec = pod.At("spec", "template", "spec")!.Value;
            var container = spec.GetProperty("containers")[0];
            var used = new List<string?>();
            if (container.TryGetProperty("envFrom", out var sources))
            {
                used.AddRange(sources.EnumerateArray().Select(s => Get(s, "configMapRef", "name")));
            }

            used.AddRange(container.GetProperty("env").EnumerateArray().Select(e => Get(e, "valueFrom", "configMapKeyRef", "name")).OfType<string>());
            used.AddRange(spec.GetProperty("volumes").EnumerateArray().Select(v => Get(v, "configMap", "name")).OfType<string>());
            Assert.All(used, c => Assert.True(c is not null && configMaps.Contains(c), $"{pod}: ConfigMap {c} is not rendered"));
        }

        // Every Service, PodDisruptionBudget and autoscaler finds its pods or workload.
        foreach (var service in report.OfKind("Service"))
        {
            var selector = service.At("spec", "selector")!.Value.EnumerateObject().ToList();
            var matched = pods.Where(p => selector.All(l => Get(p.At("spec", "template", "metadata", "labels")!.Value, l.Name) == l.Value.GetString())).ToList();
            Assert.True(matched.Count == 1, $"{service}: selects {matched.Count} workloads");
        }

        foreach (var budget in report.OfKind("PodDisruptionBudget"))
        {
            Assert.Contains(pods, p => Get(p.At("spec", "template", "metadata", "labels")!.Value, "app.kubernetes.io/name") == budget.Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));
        }

        foreach (var autoscaler in report.OfKind("HorizontalPodAutoscaler"))
        {
            Assert.Contains(pods, p => p.Kind == autoscaler.Text("spec", "scaleTargetRef", "kind") && p.Name == autoscaler.Text("spec", "scaleTargetRef", "name"));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Secrets_AreOnlyReferencedNeverCommitted(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        Assert.Empty(report.OfKind("Secret"));
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pod in Manifests.Services.Select(s => Workload(report, s)).Append(report.Document("Job", "rabbitmq-init")))
        {
            foreach (var env in pod.At("spec", "template", "spec", "containers", 0, "env")!.Value.EnumerateArray())
            {
                var variable = env.GetProperty("name").GetString()!;
                if (env.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out var secret))
                {
                    referenced.Add(secret.GetProperty("name").GetString()!);
                }
                else if (SecretName().IsMatch(variable))
                {
                    Assert.Fail($"{pod}: {variable} is not taken from a Secret");
                }
                else if (env.TryGetProperty("value", out var value))
                {
                    // A connection string names its password only as a reference to a variable from a Secret.
                    var text = value.GetString()!;
                    Assert.DoesNotMatch(@"(?i)password=(?!\$\(DB_PASSWORD\);)", text);
                }
            }
        }

        // The operators' generated secrets, and the one the cluster's operators create.
        string[] expected = [.. Manifests.Services.Select(s => $"{s}-db-app"), "platform-admin", "rabbitmq-default-user"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), referenced);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryService_HasItsOwnCloudNativePgClusterWithItsDatabaseAndOwner(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        foreach (var service in Manifests.Services)
        {
            var cluster = report.Document("Cluster", $"{service}-db");
            Assert.Equal(service, cluster.Text("spec", "bootstrap", "initdb", "database"));
            Assert.Equal(service, cluster.Text("spec", "bootstrap", "initdb", "owner"));
            var env = Workload(report, service).At("spec", "template", "spec", "containers", 0, "env")!.Value.EnumerateArray().ToList();
            var connection = env.Single(e => e.GetProperty("name").GetString() == "ConnectionStrings__Database").GetProperty("value").GetString();
            Assert.StartsWith($"Host={service}-db-rw;Port=5432;Database={service};Username={service};Password=$(DB_PASSWORD);", connection, StringComparison.Ordinal);
            var password = env.Single(e => e.GetProperty("name").GetString() == "DB_PASSWORD");
            Assert.Equal($"{service}-db-app", Get(password, "valueFrom", "secretKeyRef", "name"));
            // Kubernetes expands $(DB_PASSWORD) only from variables defined before it.
            Assert.True(env.IndexOf(password) < env.FindIndex(e => e.GetProperty("name").GetString() == "ConnectionStrings__Database"));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryDatabase_AcceptsTheConnectionsOfItsServiceAtItsMostReplicas(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        foreach (var service in Manifests.Services)
        {
            var env = Workload(report, service).At("spec", "template", "spec", "containers", 0, "env")!.Value.EnumerateArray();
            var connection = env.Single(e => e.GetProperty("name").GetString() == "ConnectionStrings__Database").GetProperty("value").GetString()!;
            var pool = int.Parse(MaximumPoolSize().Match(connection).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var replicas = report.Document("HorizontalPodAutoscaler", service).At("spec", "maxReplicas")!.Value.GetInt32();
            var allowed = int.Parse(report.Document("Cluster", $"{service}-db").Text("spec", "postgresql", "parameters", "max_connections")!, System.Globalization.CultureInfo.InvariantCulture);
            // Room is left for the operator's own connections and an administrator's psql.
            Assert.True(pool * replicas <= allowed - 10, $"{service}: {replicas} replicas x {pool} connections > max_connections {allowed} - 10");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryDatabase_CompressesPageImagesAndKeepsItsWalWithinItsVolume(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        foreach (var service in Manifests.Services)
        {
            var cluster = report.Document("Cluster", $"{service}-db");
            Assert.Equal("lz4", cluster.Text("spec", "postgresql", "parameters", "wal_compression"));
            // The WAL may grow to max_wal_size: on its own volume (walStorage) or, without one, beside the data.
            var wal = PostgresGigabytes(cluster.Text("spec", "postgresql", "parameters", "max_wal_size"));
            var volume = Gibibytes(cluster.Text("spec", "walStorage", "size") ?? cluster.Text("spec", "storage", "size"));
            Assert.True(wal >= 1 && wal <= volume / 2, $"{service}-db: max_wal_size {wal} GiB against a {volume} GiB volume");
        }
    }

    /// <summary>A PostgreSQL size setting in GB (PostgreSQL's GB are 1024 MB, as Kubernetes' Gi).</summary>
    private static int PostgresGigabytes(string? setting) =>
        setting is not null && setting.EndsWith("GB", StringComparison.Ordinal) ? int.Parse(setting[..^2], System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException($"not a GB setting: {setting}");

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task RabbitMq_IsAThreeNodeClusterWithThePlatformVhostAndTheComposeDeliveryLimitPolicy(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        var cluster = report.Document("RabbitmqCluster", "rabbitmq");
        Assert.Equal("3", cluster.At("spec", "replicas")?.GetRawText());
        var vhost = report.Document("ConfigMap", "platform-messaging").Text("data", "RabbitMq__VirtualHost");
        Assert.Contains($"default_vhost = {vhost}", cluster.Text("spec", "rabbitmq", "additionalConfig"), StringComparison.Ordinal);
        // The same policy as docker-compose's rabbitmq-init: name and definition.
        var compose = await File.ReadAllTextAsync(Path.Combine(Manifests.RepositoryRoot, "deploy", "compose", "rabbitmq-init.sh"));
        var policy = PolicyDeclaration().Match(compose);
        Assert.True(policy.Success, "no policy declaration in deploy/compose/rabbitmq-init.sh");
        Assert.Contains(policy.Value, report.Document("ConfigMap", "rabbitmq-init").Text("data", "rabbitmq-init.sh"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task NetworkPolicies_DenyByDefaultAndLetOnlyTheGatewayTakeOutsideTraffic(string name)
    {
        var report = await Manifests.RenderAndValidateAsync(name);

        var deny = report.Document("NetworkPolicy", "default-deny-all");
        Assert.Equal("{}", deny.At("spec", "podSelector")?.GetRawText());
        Assert.Equal(["Ingress", "Egress"], deny.At("spec", "policyTypes")!.Value.EnumerateArray().Select(t => t.GetString()));
        Assert.Null(deny.At("spec", "ingress"));
        Assert.Null(deny.At("spec", "egress"));

        // An ingress rule without "from" admits every source: only the gateway's may have one.
        var open = report.OfKind("NetworkPolicy")
            .Where(p => p.At("spec", "ingress") is { } rules && rules.EnumerateArray().Any(r => !r.TryGetProperty("from", out _)))
            .Select(p => p.Name);
        Assert.Equal(["gateway"], open);

        foreach (var service in Manifests.Services.Where(s => s != "gateway"))
        {
            var sources = report.Document("NetworkPolicy", service).At("spec", "ingress")!.Value.EnumerateArray()
                .SelectMany(r => r.GetProperty("from").EnumerateArray()).Select(f => Get(f, "podSelector", "matchLabels", "app.kubernetes.io/name"));
            Assert.Equal(["gateway"], sources);
        }

        foreach (var service in Manifests.Services)
        {
            // Among the platform's pods, a database takes connections from its own service only.
            var clients = report.Document("NetworkPolicy", $"{service}-db").At("spec", "ingress")!.Value.EnumerateArray()
                .SelectMany(r => r.GetProperty("from").EnumerateArray())
                .Select(f => f.TryGetProperty("podSelector", out var selector) && selector.GetProperty("matchLabels").TryGetProperty("app.kubernetes.io/name", out var app) ? app.GetString() : null)
                .OfType<string>();
            Assert.Equal([service], clients);
        }
    }

    [Fact]
    public async Task Production_PinsImagesRunsMoreReplicasSpreadOverNodesAndGrowsStorage()
    {
        var production = await Manifests.RenderAndValidateAsync("overlays/production");
        var baseline = await Manifests.RenderAndValidateAsync("base");

        foreach (var service in Manifests.Services)
        {
            var pod = Workload(production, service).At("spec", "template", "spec")!.Value;
            var image = Get(pod, "containers", 0, "image")!;
            Assert.Matches($@"^platform/{service}:(?!latest$)[\w.-]+$", image);
            Assert.NotEmpty(pod.GetProperty("topologySpreadConstraints").EnumerateArray());
            Assert.Equal("kubernetes.io/hostname", Get(pod, "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "podAffinityTerm", "topologyKey"));
            var minimum = production.Document("HorizontalPodAutoscaler", service).At("spec", "minReplicas")!.Value.GetInt32();
            Assert.True(minimum >= 3 && minimum > baseline.Document("HorizontalPodAutoscaler", service).At("spec", "minReplicas")!.Value.GetInt32(), $"{service}: minReplicas {minimum}");
            var database = production.Document("Cluster", $"{service}-db");
            Assert.Equal(3, database.At("spec", "instances")!.Value.GetInt32());
            Assert.Equal("required", database.Text("spec", "affinity", "podAntiAffinityType"));
        }

        Assert.True(Gibibytes(production.Document("Cluster", "ingestion-db").Text("spec", "storage", "size")) > Gibibytes(baseline.Document("Cluster", "ingestion-db").Text("spec", "storage", "size")));
        Assert.True(Gibibytes(production.Document("RabbitmqCluster", "rabbitmq").Text("spec", "persistence", "storage")) > Gibibytes(baseline.Document("RabbitmqCluster", "rabbitmq").Text("spec", "persistence", "storage")));
        Assert.All(production.Documents.Where(d => d.Kind != "Namespace"), d => Assert.Equal("platform", d.Text("metadata", "namespace")));
    }

    private static ManifestDocument Workload(ValidationReport report, string service) =>
        report.Documents.Single(d => d.Kind is "Deployment" or "StatefulSet" && d.Name == service);

    private static string? Get(JsonElement element, params object[] path) =>
        new ManifestDocument(null, null, null, [], element).Text(path);

    private static int Gibibytes(string? quantity) =>
        quantity is not null && quantity.EndsWith("Gi", StringComparison.Ordinal) ? int.Parse(quantity[..^2], System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException($"not a Gi quantity: {quantity}");

    [GeneratedRegex(@"MapHealthChecks\(""([^""]+)""")]
    private static partial Regex HealthEndpoint();

    [GeneratedRegex("Maximum Pool Size=([0-9]+)")]
    private static partial Regex MaximumPoolSize();

    [GeneratedRegex("(?i)(password|apikey|secret)")]
    private static partial Regex SecretName();

    [GeneratedRegex("""declare policy name=\S+ pattern='[^']*' definition='[^']*' priority=\d+""")]
    private static partial Regex PolicyDeclaration();
}

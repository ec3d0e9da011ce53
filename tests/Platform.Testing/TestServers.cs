namespace Platform.Testing;

/// <summary>
/// Where the local PostgreSQL and RabbitMQ started by <c>deploy/infra.sh</c> are, and the admin credentials tests use.
/// Read from the environment (<c>PLATFORM_*</c>, as exported by <c>deploy/platform test</c>) or, when a test runs
/// from an IDE, from <c>.local/platform.env</c> in the repository.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Settings = new(Load);

    public static string PgHost => Get("PLATFORM_PG_HOST");

    public static int PgPort => int.Parse(Get("PLATFORM_PG_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string PgAdminUser => Get("PLATFORM_PG_ADMIN_USER");

    public static string PgAdminPassword => Get("PLATFORM_PG_ADMIN_PASSWORD");

    public static string RabbitHost => Get("PLATFORM_RABBIT_HOST");

    public static int RabbitPort => int.Parse(Get("PLATFORM_RABBIT_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static int RabbitManagementPort => int.Parse(Get("PLATFORM_RABBIT_MGMT_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string RabbitUser => Get("PLATFORM_RABBIT_USER");

    public static string RabbitPassword => Get("PLATFORM_RABBIT_PASSWORD");

    /// <summary>The admin key (<c>Admin:ApiKey</c>) that <see cref="ServiceSettings.For"/> gives the services a test starts; random per test run.</summary>
    public static string AdminApiKey { get; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>Connection string of the admin role to <paramref name="database"/>.</summary>
    public static string AdminConnectionString(string database = "postgres") =>
        $"Host={PgHost};Port={PgPort};Database={database};Username={PgAdminUser};Password={PgAdminPassword};Pooling=true;Include Error Detail=true";

    /// <summary>The repository root (the folder holding Platform.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : Settings.Value.TryGetValue(name, out var fromFile) ? fromFile
        : throw new InvalidOperationException($"{name} is not set. Start the servers with ./deploy/platform infra-up (it writes .local/platform.env).");

    private static Dictionary<string, string> Load()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = Path.Combine(RepositoryRoot(), ".local", "platform.env");
        if (!File.Exists(file))
        {
            return values;
        }

        foreach (var raw in File.ReadAllLines(file))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..];
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            values[line[..eq]] = line[(eq + 1)..].Trim('"', '\'');
        }

        return values;
    }
}

/// <summary>Configuration a service needs to run against a test database and vhost.</summary>
public static class ServiceSettings
{
    /// <summary>
    /// <c>ConnectionStrings:Database</c> and <c>RabbitMq:*</c> for <paramref name="database"/> and <paramref name="vhost"/>;
    /// <paramref name="rabbitPort"/> overrides the broker port (e.g. a <see cref="TcpProxy"/> in front of it).
    /// </summary>
    public static Dictionary<string, string?> For(TestDatabase database, TestVirtualHost vhost, int? rabbitPort = null) => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings:Database"] = database.ConnectionString,
        ["RabbitMq:Host"] = TestServers.RabbitHost,
        ["RabbitMq:Port"] = (rabbitPort ?? TestServers.RabbitPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = vhost.Name,
        ["RabbitMq:Username"] = TestServers.RabbitUser,
        ["RabbitMq:Password"] = TestServers.RabbitPassword,
        ["Outbox:PollInterval"] = "00:00:00.500",
        ["Admin:ApiKey"] = TestServers.AdminApiKey,
    };
}

namespace Platform.Testing;

/// <summary>How <see cref="ServiceTestHost{TProgram}"/> starts a service.</summary>
public sealed record ServiceTestHostOptions
{
    /// <summary>Settings added to (or replacing) <see cref="ServiceSettings.For"/>'s, e.g. <c>["Scoring:Schedule:Enabled"] = "false"</c>.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>A vhost shared with other services of the test (not deleted by the host); null gives the service its own.</summary>
    public TestVirtualHost? VirtualHost { get; init; }

    /// <summary>Another broker port, e.g. a <see cref="TcpProxy"/> the test can cut.</summary>
    public int? RabbitPort { get; init; }

    /// <summary>The service's clock (its <see cref="TimeProvider"/>), e.g. a <see cref="ManualClock"/>; null keeps the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Registrations replacing or adding to the service's own (after them), e.g. a test double of a hook the service calls.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }

    /// <summary>Serve on a real loopback port (default; Kestrel's limits apply) rather than in memory.</summary>
    public bool OnLoopback { get; init; } = true;
}

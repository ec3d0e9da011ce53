using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// MassTransit (8.4+) sends a report of the bus's configuration to its vendor's server unless told not to; a service of
/// the platform sends nothing beyond its broker, its database and the telemetry collector it is given.
/// </summary>
public sealed class UsageTelemetryTests
{
    [Fact]
    public void AddMessaging_TurnsMassTransitsUsageTelemetryOff()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RabbitMq:Host"] = "127.0.0.1" });

        builder.AddMessaging();

        using var provider = builder.Services.BuildServiceProvider();
        Assert.False(provider.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}

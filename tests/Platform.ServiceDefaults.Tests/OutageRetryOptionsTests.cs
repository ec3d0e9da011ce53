using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Tests;

public sealed class OutageRetryOptionsTests
{
    [Theory]
    [InlineData("00:00:00", "00:00:01")]
    [InlineData("00:00:02", "00:00:01")]
    public void AddMessaging_RefusesOutageRetryIntervalsOutOfOrder(string min, string max)
    {
        var builder = BuilderWith(min, max);
        var e = Assert.Throws<InvalidOperationException>(() => builder.AddMessaging());
        Assert.Contains("Messaging:OutageRetry", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMessaging_TakesConfiguredOutageRetryIntervals() =>
        BuilderWith("00:00:00.100", "00:00:00.500").AddMessaging();

    private static HostApplicationBuilder BuilderWith(string min, string max)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = "127.0.0.1",
            ["Messaging:OutageRetry:Min"] = min,
            ["Messaging:OutageRetry:Max"] = max,
        });
        return builder;
    }
}

using System.Net;

namespace Measurement.IntegrationTests;

public sealed class MeasurementStartTests
{
    [Fact]
    public async Task Start_MigratesItsDatabase_AndIsReady()
    {
        await using var host = await MeasurementTestHost.StartAsync("measurement-start");

        var tables = await host.Host.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('members', 'cell_stats', 'purchases')");
        Assert.Equal(3, tables);
        using var ready = await host.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}

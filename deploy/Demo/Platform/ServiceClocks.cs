using System.Text.Json;
using Demo.Generation;

namespace Demo.Platform;

/// <summary>The simulated clocks of every service, read and moved together (<c>/{service}/admin/clock</c>).</summary>
public sealed class ServiceClocks(PlatformClient client)
{
    /// <summary>The services whose clocks the demo moves.</summary>
    public static readonly IReadOnlyList<string> Services = ["ingestion", "segmentation", "campaigns", "measurement"];

    /// <summary>The latest "now" among the services.</summary>
    public async Task<DateTimeOffset> LatestAsync(CancellationToken ct)
    {
        var latest = DateTimeOffset.MinValue;
        foreach (var service in Services)
        {
            var clock = await ReadAsync(service, ct);
            latest = clock > latest ? clock : latest;
        }

        return latest;
    }

    /// <summary>Moves every service's clock to <paramref name="target"/> (one already there or past it stays: forward only).</summary>
    public async Task AdvanceAsync(DateTimeOffset target, CancellationToken ct)
    {
        await Task.WhenAll(Services.Select(async service =>
        {
            if (await ReadAsync(service, ct) < target)
            {
                await client.AdminAsync(service, HttpMethod.Post, "/admin/clock", new { advanceTo = CustomerBaseCsv.Timestamp(target) }, ct);
            }
        }));
    }

    /// <summary>One service's now.</summary>
    public async Task<DateTimeOffset> ReadAsync(string service, CancellationToken ct)
    {
        JsonElement clock;
        try
        {
            clock = await client.AdminAsync(service, HttpMethod.Get, "/admin/clock", null, ct);
        }
        catch (PlatformException e) when (e.Message.Contains("HTTP 404", StringComparison.Ordinal))
        {
            throw new PlatformException($"{service} has no /admin/clock: it is not on a simulated clock (start it with Clock__Start, as ./deploy/platform demo does)");
        }

        return clock.GetProperty("now").GetDateTimeOffset();
    }
}

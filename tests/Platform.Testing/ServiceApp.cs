using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Testing;

/// <summary>
/// One service running in the test process against the real servers, configured with <paramref name="settings"/>
/// (see <see cref="ServiceSettings"/>). Its HTTP API is served in memory (<c>CreateClient</c>), or on a real loopback
/// port after <see cref="StartOnLoopback"/> (needed where Kestrel's behaviour matters: body size limits, proxying).
/// <paramref name="services"/> replaces registrations after the service's own (e.g. a <see cref="ManualClock"/> as TimeProvider).
/// </summary>
public sealed class ServiceApp<TEntryPoint>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    /// <summary>
    /// Starts Kestrel on a port the OS picks on 127.0.0.1 (no probe-then-bind race with other test processes)
    /// and returns the base address.
    /// </summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>A client (in memory, or on the loopback port once started) that sends the configured <c>Admin:ApiKey</c> as a bearer token.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        if (settings.TryGetValue("Admin:ApiKey", out var key) && key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Platform.Testing;

/// <summary>
/// One service running in the test process against the real servers, configured with <paramref name="settings"/>
/// (see <see cref="ServiceSettings"/>). Its HTTP API is served in memory (<c>CreateClient</c>), or on a loopback
/// port after <c>UseKestrel</c>.
/// </summary>
public sealed class ServiceApp<TEntryPoint>(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
